import { serveConfig, type Flags } from "../config.js";
import { startServer } from "../serve.js";
import type { Io } from "./commands.js";
import { listenError } from "./listen-errors.js";

/** `inferplane serve`: runs until SIGTERM or SIGINT, then drains. A port that cannot be bound is a ConfigError naming its flag. */
export async function serveCommand(flags: Flags, io: Io): Promise<number> {
  const config = serveConfig(flags);
  const server = await startServer(config).catch((err: unknown) => {
    throw listenError(err, config) ?? err;
  });
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      io.err(`${signal} received; draining\n`);
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      server.stop().then(resolve, (err: unknown) => {
        io.err(`shutdown failed: ${String(err)}\n`);
        resolve();
      });
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
  return 0;
}
