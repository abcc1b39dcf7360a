import type { GroupVersionKind } from "./admission-review.js";
import { MUTATORS } from "./mutators.js";
import { VALIDATORS } from "./validators.js";

/** The kinds a webhook acts on, by `group/version/Kind`: the only values of the metrics' kind label. */
const KNOWN = new Map(
  [...MUTATORS.keys(), ...VALIDATORS.keys()].map((key) => [key, key.slice(key.lastIndexOf("/") + 1)]),
);

export const OTHER_KIND = "other";

/**
 * The `kind` label of admission metrics: the Kind for the kinds inferplane handles, `other` for
 * anything else — a request names any kind it likes, and a label from request text would let a
 * caller grow /metrics without bound (issue 13).
 */
export function metricKind(kind: GroupVersionKind): string {
  const key = kind.group ? `${kind.group}/${kind.version}/${kind.kind}` : `${kind.version}/${kind.kind}`;
  return KNOWN.get(key) ?? OTHER_KIND;
}

/** Every value metricKind can give. */
export function metricKinds(): string[] {
  return [...new Set(KNOWN.values()), OTHER_KIND];
}
