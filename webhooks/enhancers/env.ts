import type { Container, EnvVar, EnvVarSource, PodSpec } from "kubernetes-types/core/v1.js";

export type EnvValue = { value: string } | { valueFrom: EnvVarSource };

/** Every container and initContainer of a pod spec, in order. */
export function allContainers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

function sameEnv(existing: EnvVar, wanted: EnvValue): boolean {
  if ("value" in wanted) return existing.valueFrom === undefined && existing.value === wanted.value;
  return existing.value === undefined && JSON.stringify(existing.valueFrom) === JSON.stringify(wanted.valueFrom);
}

/**
 * Sets `name` on a container, replacing a variable of the same name in place (so the patch
 * touches one entry) or appending it. Later duplicates are dropped: the kubelet lets the last
 * one win, which would undo the replacement. Returns true when a user's value was replaced.
 */
export function setEnv(container: Container, name: string, wanted: EnvValue): boolean {
  const env = (container.env ??= []);
  const index = env.findIndex((e) => e.name === name);
  const replacement: EnvVar = { name, ...wanted };
  if (index < 0) {
    env.push(replacement);
    return false;
  }
  const duplicates = env.filter((e, i) => i > index && e.name === name);
  if (duplicates.length > 0) container.env = env.filter((e, i) => i <= index || e.name !== name);
  const existing = env[index] as EnvVar;
  if (sameEnv(existing, wanted) && duplicates.length === 0) return false;
  container.env[index] = replacement;
  return !sameEnv(existing, wanted) || duplicates.some((d) => !sameEnv(d, wanted));
}

/** Sets each variable on every container and initContainer; returns a warning per replaced user value. */
export function setEnvEverywhere(spec: PodSpec, vars: ReadonlyArray<[string, EnvValue]>): string[] {
  const warnings: string[] = [];
  for (const container of allContainers(spec)) {
    for (const [name, wanted] of vars) {
      if (setEnv(container, name, wanted))
        warnings.push(`container ${container.name}: env ${name} replaced by inferplane`);
    }
  }
  return warnings;
}
