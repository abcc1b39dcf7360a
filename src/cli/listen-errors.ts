import { ConfigError, type ServeConfig } from "../config.js";

/** The flag that sets the port a listen error names. */
function portFlag(port: number | undefined, config: ServeConfig): string {
  if (port === config.metricsPort && port !== config.port) return "--metrics-port";
  if (port === config.optimizerPort && port !== config.port) return "--optimizer-port";
  return "--port";
}

/**
 * A listen error (Node's `EADDRINUSE` / `EACCES`, with `port` and `address`) as what to do about
 * it: the port, and the flag that changes it. Undefined for any other error.
 */
export function listenError(err: unknown, config: ServeConfig): ConfigError | undefined {
  const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
  if (e.syscall !== "listen") return undefined;
  const where = `port ${String(e.port)}${e.address ? ` on ${e.address}` : ""}`;
  const flag = portFlag(e.port, config);
  if (e.code === "EADDRINUSE")
    return new ConfigError(`${where} is already in use; stop what listens there or choose another with ${flag} PORT`);
  if (e.code === "EACCES")
    return new ConfigError(`${where} needs privileges this process lacks; choose a port above 1023 with ${flag} PORT`);
  return undefined;
}
