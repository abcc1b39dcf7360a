import type { Container, EnvVar } from "kubernetes-types/core/v1.js";
import type { Backend } from "../../src/apis/inference-ai.js";
import { END_OF_OPTIONS, flagWord, isFlagWord, type EngineCli } from "../../src/engines/cli.js";
import { ENGINES } from "../../src/engines/index.js";
import { engineArgs, type ArgList } from "./engine-args.js";
import { setEnv, type EnvValue } from "../enhancers/env.js";

/** Env names the GPU and cache enhancers own; they are kept sorted at the end, so enhancers compose in any order. */
const MANAGED_ENV = /^(CUDA_MPS_|LMCACHE_|VLLM_NIXL_)/;

export function setManagedEnv(container: Container, vars: ReadonlyArray<[string, EnvValue]>): string[] {
  const warnings: string[] = [];
  for (const [name, value] of vars)
    if (setEnv(container, name, value))
      warnings.push(`container ${container.name}: env ${name} replaced by inferplane`);
  const env = container.env ?? [];
  const managed = env
    .filter((e) => MANAGED_ENV.test(e.name))
    .sort((a: EnvVar, b: EnvVar) => a.name.localeCompare(b.name));
  container.env = [...env.filter((e) => !MANAGED_ENV.test(e.name)), ...managed];
  return warnings;
}

export type Flag = [name: string, value: string | undefined];

/** Indices of the words setting flag `name` (any spelling the engine reads), before `--`. */
function flagIndices(values: readonly (string | undefined)[], name: string, cli: EngineCli): number[] {
  const end = endOfOptions(values);
  return values.flatMap((w, i) => (i < end && w !== undefined && flagWord(w, cli)?.name === name ? [i] : []));
}

/** Where options end: the `--` word, else the end. New flags go there, so `--` never turns them into positionals. */
function endOfOptions(values: readonly (string | undefined)[]): number {
  const at = values.indexOf(END_OF_OPTIONS);
  return at < 0 ? values.length : at;
}

/** The value of the flag word at `at`: after `=`, else the next word unless it is a flag (or `--`). */
function valueAt(values: readonly (string | undefined)[], at: number, cli: EngineCli): string | undefined {
  const inline = flagWord(values[at] ?? "", cli)?.inline;
  if (inline !== undefined) return inline;
  const next = values[at + 1];
  return at + 1 < values.length && !isFlagWord(next) && next !== END_OF_OPTIONS ? next : undefined;
}

const short = (text: string): string => (text.length > 40 ? `${text.slice(0, 37)}...` : text);

/** Sets the value of the flag word at `at` where it is written; a warning when a user's other value was there. */
function replaceValue(list: ArgList, at: number, value: string, cli: EngineCli, where: string): string | undefined {
  const word = list.values[at] ?? "";
  const before = valueAt(list.values, at, cli);
  if (before === value) return undefined;
  const next = list.values[at + 1];
  if (word.includes("=")) list.set(at, `${word.slice(0, word.indexOf("="))}=${value}`);
  else if (at + 1 < list.values.length && !isFlagWord(next) && next !== END_OF_OPTIONS) list.set(at + 1, value);
  else list.insert(at + 1, [value]);
  return `${where}: ${word.split("=")[0] ?? word} ${short(before ?? "")} replaced by ${short(value)}`;
}

/** A flag without a value: made present; a user's `--no-<flag>` (argparse's BooleanOptionalAction) turned around. */
function presence(list: ArgList, name: string, cli: EngineCli, where: string): string | undefined {
  if (flagIndices(list.values, name, cli).length > 0) return undefined;
  const negated = flagIndices(list.values, `no-${name}`, cli)[0];
  if (negated !== undefined) {
    list.set(negated, `--${name}`);
    return `${where}: --no-${name} replaced by --${name}`;
  }
  list.insert(endOfOptions(list.values), [`--${name}`]);
  return undefined;
}

/**
 * Sets engine flags without duplicating any, in every list the engine reads (engineArgs): a flag
 * already written — in any spelling the engine reads (`-tp`, `--tp=2`, vLLM's `--tp_size`) — is
 * replaced where it is, in the form it was written; a new one goes before `--`, else at the end. A
 * flag without a value (`--enable-metrics`) is only made present. Returns warnings for values replaced.
 */
export function mergeFlags(lists: readonly ArgList[], flags: readonly Flag[], cli: EngineCli, where: string): string[] {
  return lists.flatMap((list) => flags.flatMap(([name, value]) => setFlag(list, name, value, cli, where)));
}

/** One flag in one list: made present, or its value set everywhere it is written (else added). */
function setFlag(list: ArgList, name: string, value: string | undefined, cli: EngineCli, where: string): string[] {
  if (value === undefined) return [presence(list, name, cli, where)].filter((w) => w !== undefined);
  const at = flagIndices(list.values, name, cli);
  if (at.length === 0) list.insert(endOfOptions(list.values), [`--${name}`, value]);
  return at
    .reverse()
    .map((i) => replaceValue(list, i, value, cli, where))
    .filter((w) => w !== undefined);
}

/**
 * The value a flag has where the container's engine reads it (command + args, or its sh -c
 * script), in any spelling of `backend`'s command line; undefined when absent or unknowable.
 */
export function flagValue(container: Container, name: string, backend: Backend = "vllm"): string | undefined {
  const lists = engineArgs(container, backend);
  if (typeof lists === "string") return undefined;
  const cli = ENGINES[backend].cli;
  for (const list of lists) {
    const at = flagIndices(list.values, name, cli)[0];
    if (at !== undefined) return valueAt(list.values, at, cli);
  }
  return undefined;
}
