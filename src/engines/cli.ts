/**
 * How an inference engine's command line reads flags, so inferplane finds a flag however it is
 * written — `--tensor-parallel-size 4`, `--tensor-parallel-size=4`, `-tp 4`, vLLM's
 * `--tensor_parallel_size 4` — and knows where options end (`--`).
 */

/** How one engine parses its command line. */
export interface EngineCli {
  /**
   * Other spellings of a flag, by its canonical long name without dashes: `{"tensor-parallel-size":
   * ["-tp"]}` (vLLM's arg_utils.py), `{"tp-size": ["--tensor-parallel-size"]}` (SGLang's server_args.py).
   */
  aliases: Readonly<Record<string, readonly string[]>>;
  /** vLLM's FlexibleArgumentParser: `_` in a long flag's name is `-`, and `--flag.key v` sets a field of --flag's JSON. */
  flexible: boolean;
  /** Python's argparse (allow_abbrev, the default) and getopt_long take an unambiguous prefix of a long flag. */
  abbreviations: boolean;
}

/** A command line without aliases, abbreviations or vLLM's spellings (click, e.g. trtllm-serve). */
export const PLAIN_CLI: EngineCli = { aliases: {}, flexible: false, abbreviations: false };

/** The word after which an engine reads no flag: every later word is a positional argument. */
export const END_OF_OPTIONS = "--";

/** A flag word: its canonical name and the value written after `=`, if any. */
export interface FlagWord {
  name: string;
  inline?: string;
}

function aliasIndex(cli: EngineCli): Map<string, string> {
  const index = new Map<string, string>();
  for (const [name, spellings] of Object.entries(cli.aliases)) for (const s of spellings) index.set(s, name);
  return index;
}

/**
 * The flag a word sets, or undefined for a value, a positional argument, a negative number or `--`:
 * `--tp-size=4` → {name: "tp-size", inline: "4"}; with vLLM's aliases `-tp` → "tensor-parallel-size".
 */
export function flagWord(word: string, cli: EngineCli): FlagWord | undefined {
  if (word === END_OF_OPTIONS || !/^--?[A-Za-z]/.test(word)) return undefined;
  const eq = word.indexOf("=");
  const written = eq < 0 ? word : word.slice(0, eq);
  const inline = eq < 0 ? undefined : word.slice(eq + 1);
  let name = written.startsWith("--") ? written.slice(2) : written;
  if (cli.flexible && written.startsWith("--")) name = (name.split(".")[0] ?? name).replace(/_/g, "-");
  const canonical = aliasIndex(cli).get(written.startsWith("--") ? `--${name}` : written) ?? name;
  return inline === undefined ? { name: canonical } : { name: canonical, inline };
}

/** True when the word is a flag (not a value): `--x`, `-tp`; not `-1`, not `--`. */
export function isFlagWord(word: string | undefined): boolean {
  return word !== undefined && word !== END_OF_OPTIONS && /^--?[A-Za-z]/.test(word);
}

/**
 * The owned flag a long word abbreviates, when the engine takes prefixes (`--tensor-parallel` for
 * --tensor-parallel-size), else undefined. A prefix of several is ambiguous, which the engine
 * refuses itself; any prefix of an owned flag is reported, as the engine may resolve it to it.
 */
export function abbreviatedFlag(word: string, owned: readonly string[], cli: EngineCli): string | undefined {
  const flag = flagWord(word, cli);
  if (!cli.abbreviations || !flag || !word.startsWith("--") || owned.includes(flag.name)) return undefined;
  const spellings = owned.flatMap((name) => [
    [name, name] as const,
    ...(cli.aliases[name] ?? []).filter((a) => a.startsWith("--")).map((a) => [a.slice(2), name] as const),
  ]);
  return spellings.find(([spelled]) => spelled.startsWith(flag.name) && spelled !== flag.name)?.[1];
}

/** A flag's name as a key of a config map (PDD engineConfig): `max-num-seqs`, vLLM's `kv-transfer-config.kv_role`. */
const FLAG_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Why `key` cannot be written as `--<key>`, or undefined when it can: empty (`--` would end the
 * options), with a space or other character no flag has, or with its own dashes.
 */
export function flagNameProblem(key: string): string | undefined {
  if (key === "") return 'an empty name makes "--", which ends the engine\'s options';
  if (key.startsWith("-")) return `"${key}" starts with "-": inferplane writes "--" before the name`;
  if (!FLAG_NAME.test(key)) return `"${key}" is no flag name: it would be written as the one word "--${key}"`;
  return undefined;
}
