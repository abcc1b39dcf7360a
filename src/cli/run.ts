import { ConfigError, type Flags } from "../config.js";
import type { Io } from "./commands.js";
import type { CommandName } from "./spec.js";

type Command = (flags: Flags, io: Io, args: string[]) => Promise<number>;

/**
 * Each command's module loads only when it runs, so the offline commands do not load what only
 * `serve` needs (the API client, the HTTP stack).
 */
const COMMANDS: Record<CommandName, () => Promise<Command>> = {
  serve: async () => (await import("./serve-command.js")).serveCommand,
  mutate: async () => (await import("./commands.js")).mutateCommand,
  validate: async () => (await import("./commands.js")).validateCommand,
  render: async () => (await import("./render-command.js")).renderCommand,
  certs: async () => (await import("./commands.js")).certsCommand,
  optimize: async () => (await import("./optimize-command.js")).optimizeCommand,
};

/** The message of an error that is the input's fault; undefined for any other. */
async function inputErrorMessage(err: unknown): Promise<string | undefined> {
  if (err instanceof ConfigError) return err.message;
  const [{ ManifestError }, { CertificateError }] = await Promise.all([
    import("../cluster-view/manifests.js"),
    import("../../certs/ensure.js"),
  ]);
  return err instanceof ManifestError || err instanceof CertificateError ? err.message : undefined;
}

/** Runs one parsed command; an error that is the input's fault is reported in one line (exit 2), others are thrown. */
export async function runCommand(command: CommandName, flags: Flags, io: Io, args: string[]): Promise<number> {
  try {
    return await (
      await COMMANDS[command]()
    )(flags, io, args);
  } catch (err) {
    const message = await inputErrorMessage(err);
    if (message === undefined) throw err;
    io.err(`inferplane ${command}: ${message}\n`);
    return 2;
  }
}
