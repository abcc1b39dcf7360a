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

/** What a file-system error on a path the user gave means (Node's error codes). */
const FILE_ERRORS: Record<string, string> = {
  ENOENT: "no such file or directory",
  ENOTDIR: "a part of the path is a file, not a directory",
  EISDIR: "is a directory, not a file",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENAMETOOLONG: "name too long",
  ELOOP: "too many symbolic links",
};

/** `PATH: what is wrong (CODE)` for a file-system error on a path, else undefined. */
function fileErrorMessage(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException | undefined;
  const meaning = typeof e?.code === "string" ? FILE_ERRORS[e.code] : undefined;
  return meaning && typeof e?.path === "string" ? `${e.path}: ${meaning} (${e.code ?? ""})` : undefined;
}

/** The message of an error that is the input's fault (a bad flag, file, manifest or path); undefined for any other. */
async function inputErrorMessage(err: unknown): Promise<string | undefined> {
  if (err instanceof ConfigError) return err.message;
  const file = fileErrorMessage(err);
  if (file) return file;
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
