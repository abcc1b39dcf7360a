import type { Io } from "./commands.js";
import type { Flags } from "../config.js";
import { parseCommandLine, UsageError } from "./parse.js";
import type { CommandName } from "./spec.js";
import { commandUsage, globalUsage } from "./usage.js";
import { packageVersion } from "./version.js";

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
  // Loaded here, not at the top: `--help` and `--version` answer without loading any command.
  const { runCommand } = await import("./run.js");
  return runCommand(command, values, io, args);
}
