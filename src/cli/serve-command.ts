import { serveConfig, type Flags } from "../config.js";
import { createLogger } from "../logging.js";
import { startServer } from "../serve.js";
import { listenError } from "./listen-errors.js";

/** `inferplane serve`: runs until SIGTERM or SIGINT, then drains. A port that cannot be bound is a ConfigError naming its flag. */
export async function serveCommand(flags: Flags): Promise<number> {
  const config = serveConfig(flags);
  const log = createLogger(config.logLevel);
  const server = await startServer(config, { log }).catch((err: unknown) => {
    throw listenError(err, config) ?? err;
  });
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      log.info("signal received; draining", { signal });
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      server.stop().then(resolve, (err: unknown) => {
        log.error("shutdown failed", { cause: String(err) });
        resolve();
      });
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
  return 0;
}
