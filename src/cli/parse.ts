import { parseArgs, type ParseArgsConfig } from "node:util";
import type { Flags } from "../config.js";
import { nearest } from "../kube/nearest.js";
import {
  COMMAND_SPECS,
  COMMON_FLAGS,
  FLAGS,
  isCommand,
  type CommandName,
  type CommandSpec,
  type FlagName,
  type FlagSpec,
} from "./spec.js";

/** A command line that cannot be run as written; the message says what to write instead. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: CommandName,
  ) {
    super(message);
  }
}

export interface CommandLine {
  /** Undefined for `inferplane`, `inferplane --help`, `inferplane --version`. */
  command: CommandName | undefined;
  values: Flags;
  /** The arguments after the command. */
  args: string[];
}

function optionsOf(names: readonly FlagName[]): NonNullable<ParseArgsConfig["options"]> {
  return Object.fromEntries(
    names.map((name) => {
      const flag: FlagSpec = FLAGS[name];
      return [
        name,
        { type: flag.type, ...(flag.short ? { short: flag.short } : {}), ...(flag.multiple ? { multiple: true } : {}) },
      ];
    }),
  );
}

/** Which other commands take `--name`, for "it is a flag of …". */
function commandsWithFlag(name: string): CommandName[] {
  return Object.entries(COMMAND_SPECS)
    .filter(([, spec]) => (spec.flags as readonly string[]).includes(name))
    .map(([command]) => command as CommandName);
}

function where(command: CommandName | undefined): string {
  return command ? `inferplane ${command}` : "inferplane";
}

function unknownFlag(rawName: string, name: string, known: readonly FlagName[], command?: CommandName): UsageError {
  const suggestion = nearest(name, known);
  const elsewhere = commandsWithFlag(name).filter((c) => c !== command);
  let hint = "";
  if (suggestion) hint = `; did you mean --${suggestion}?`;
  else if (elsewhere.length > 0) hint = `; it is a flag of ${elsewhere.join(", ")}`;
  return new UsageError(`${where(command)}: unknown flag ${rawName}${hint}`, command);
}

/**
 * Unknown flags, and a flag given twice that takes one value (the first would be silently lost),
 * unless the command's spec says the last value wins (serve, for the chart's extraArgs).
 */
function checkFlagNames(argv: string[], known: readonly FlagName[], command?: CommandName): void {
  const { tokens } = parseArgs({ args: argv, options: optionsOf(known), strict: false, tokens: true });
  const seen = new Set<string>();
  const lastWins = command !== undefined && (COMMAND_SPECS[command] as CommandSpec).lastFlagWins === true;
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    if (!(known as readonly string[]).includes(token.name))
      throw unknownFlag(token.rawName, token.name, known, command);
    const flag: FlagSpec = FLAGS[token.name as FlagName];
    if (seen.has(token.name) && !flag.multiple && !lastWins)
      throw new UsageError(`${where(command)}: --${token.name} is given more than once; give it once`, command);
    seen.add(token.name);
  }
}

function commandOf(word: string | undefined): CommandName | undefined {
  if (word === undefined || word.startsWith("-")) return undefined;
  if (isCommand(word)) return word;
  const suggestion = nearest(word, Object.keys(COMMAND_SPECS));
  throw new UsageError(`inferplane: unknown command ${word}${suggestion ? `; did you mean ${suggestion}?` : ""}`);
}

/**
 * Reads `inferplane <command> [flags] [args]`: the command first, then only the flags that command
 * takes (`inferplane <command> --help` lists them). Throws UsageError for an unknown command or flag
 * (naming the closest known one), a flag without its value, or an argument the command does not take.
 */
export function parseCommandLine(argv: string[]): CommandLine {
  const command = commandOf(argv[0]);
  const rest = command ? argv.slice(1) : argv;
  const known: readonly FlagName[] = command ? [...COMMAND_SPECS[command].flags, ...COMMON_FLAGS] : COMMON_FLAGS;
  checkFlagNames(rest, known, command);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: optionsOf(known), strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(`${where(command)}: ${(err as Error).message}`, command);
  }
  const takesArgs = command !== undefined && "positional" in COMMAND_SPECS[command];
  const [unexpected] = parsed.positionals;
  if (!takesArgs && unexpected !== undefined)
    throw new UsageError(`${where(command)}: unexpected argument ${unexpected}`, command);
  // A `multiple` flag's value is a list of strings; every other one a string or a boolean.
  return { command, values: parsed.values as Flags, args: parsed.positionals };
}
