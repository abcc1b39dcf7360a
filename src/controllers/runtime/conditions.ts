export { condition, type Condition } from "../../kube/conditions.js";

/** Status without transition times, to tell whether a write would change anything. */
export function comparableStatus(status: unknown): string {
  const s = (status ?? {}) as { conditions?: Array<Record<string, unknown>> };
  return JSON.stringify({
    ...s,
    conditions: (s.conditions ?? []).map((c) => ({ ...c, lastTransitionTime: undefined })),
  });
}

type WithConditions = { conditions?: readonly { type: string }[] };

/**
 * `next` with the conditions of `types` that `current` holds and `next` does not, copied forward
 * as they are: conditions another writer owns (the optimizer loop's Sized) survive the controller's
 * status write, which replaces the whole status. `next` is returned as it is when there are none.
 */
export function keepConditions<S>(next: S, current: unknown, types: readonly string[]): S {
  if (types.length === 0 || typeof next !== "object" || next === null) return next;
  const kept = ((current as WithConditions | undefined)?.conditions ?? []).filter((c) => types.includes(c.type));
  const own = (next as WithConditions).conditions ?? [];
  const missing = kept.filter((c) => !own.some((o) => o.type === c.type));
  return missing.length === 0 ? next : { ...next, conditions: [...own, ...missing] };
}
