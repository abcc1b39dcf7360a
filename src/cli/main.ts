import { certsCommand, mutateCommand, serveCommand, validateCommand, type Io } from "./commands.js";
import { ConfigError, type Flags } from "../config.js";
import { ManifestError } from "../cluster-view/manifests.js";
import { CertificateError } from "../../certs/ensure.js";
import { optimizeCommand } from "./optimize-command.js";
import { parseCommandLine, UsageError } from "./parse.js";
import type { CommandName } from "./spec.js";
import { commandUsage, globalUsage } from "./usage.js";
import { packageVersion } from "./version.js";

type Command = (flags: Flags, io: Io, args: string[]) => Promise<number>;

const COMMANDS: Record<CommandName, Command> = {
  serve: serveCommand,
  mutate: mutateCommand,
  validate: validateCommand,
  certs: certsCommand,
  optimize: optimizeCommand,
};

/**
 * Parses a command line as `main` does; throws UsageError on an unknown command or flag. The
 * chart's container args go through this too. `positionals` starts with the command.
 */
export function parseCliArgs(argv: string[]): { positionals: string[]; values: Flags } {
  const line = parseCommandLine(argv);
  return { positionals: line.command ? [line.command, ...line.args] : line.args, values: line.values };
}

function helpHint(command: CommandName | undefined): string {
  return command ? `run 'inferplane ${command} --help' for its flags` : "run 'inferplane --help' for the commands";
}

/** Runs one command line; resolves to the exit code (0 done, 1 a verdict or result says no, 2 bad input). */
export async function main(argv: string[], io: Io): Promise<number> {
  let line;
  try {
    line = parseCommandLine(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`${err.message}\n${helpHint(err.command)}\n`);
    return 2;
  }
  const { command, values, args } = line;
  if (values.version) {
    io.out(`inferplane ${packageVersion()}\n`);
    return 0;
  }
  if (values.help) {
    io.out(command ? commandUsage(command) : globalUsage());
    return 0;
  }
  if (!command) {
    io.err(globalUsage());
    return 2;
  }
  return runCommand(COMMANDS[command], command, values, io, args);
}

async function runCommand(run: Command, command: string, flags: Flags, io: Io, args: string[]): Promise<number> {
  try {
    return await run(flags, io, args);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ManifestError || err instanceof CertificateError) {
      io.err(`inferplane ${command}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
