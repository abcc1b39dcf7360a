import type { Container, EnvVar } from "kubernetes-types/core/v1.js";
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

function flagAt(list: readonly string[], name: string): number {
  return list.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
}

/**
 * Sets engine flags without duplicating any: a flag already in `command` or `args` is replaced
 * where it is, in the form it was written (`--flag value` or `--flag=value`); a new one is
 * appended to `args`. A flag without a value (`--enable-metrics`) is only made present.
 */
export function mergeFlags(container: Container, flags: readonly Flag[]): string[] {
  const warnings: string[] = [];
  for (const [name, value] of flags) {
    const inCommand = flagAt(container.command ?? [], name);
    const list = inCommand >= 0 ? (container.command ?? []) : (container.args ??= []);
    const at = inCommand >= 0 ? inCommand : flagAt(list, name);
    if (at < 0) {
      list.push(`--${name}`, ...(value === undefined ? [] : [value]));
      continue;
    }
    const replaced = value === undefined ? undefined : replaceValue(container, list, at, name, value);
    if (replaced) warnings.push(replaced);
  }
  return warnings;
}

const short = (text: string): string => (text.length > 40 ? `${text.slice(0, 37)}...` : text);

/** Replaces a flag's value where it is; returns a warning when a user's different value was there. */
function replaceValue(
  container: Container,
  list: string[],
  at: number,
  name: string,
  value: string,
): string | undefined {
  const before = flagValue(container, name);
  if (before === value) return undefined;
  const next = list[at + 1];
  if (list[at]?.includes("=")) list[at] = `--${name}=${value}`;
  else if (next !== undefined && !next.startsWith("--")) list[at + 1] = value;
  else list.splice(at + 1, 0, value);
  return `container ${container.name}: --${name} ${short(before ?? "")} replaced by ${short(value)}`;
}

/** The value a flag has in the container, if any. */
export function flagValue(container: Container, name: string): string | undefined {
  for (const list of [container.command ?? [], container.args ?? []]) {
    const at = flagAt(list, name);
    if (at < 0) continue;
    const arg = list[at] ?? "";
    if (arg.includes("=")) return arg.slice(arg.indexOf("=") + 1);
    const next = list[at + 1];
    return next?.startsWith("--") ? undefined : next;
  }
  return undefined;
}
