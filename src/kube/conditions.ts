/** A status condition, as metav1.Condition defines it (k8s.io/apimachinery/pkg/apis/meta/v1). */
export interface Condition {
  /** UpperCamelCase: `Ready`, `Available`, `Progressing`. */
  type: string;
  status: "True" | "False" | "Unknown";
  /** UpperCamelCase, machine-readable: why the status is what it is. */
  reason: string;
  /** What a user can act on. */
  message: string;
  /** When `status` last changed (RFC 3339). */
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** A condition as a list in a status holds it: what `condition()` reads back from earlier writes. */
export type PreviousCondition = Readonly<{
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}>;

/**
 * A condition with `lastTransitionTime` kept from the previous one of the same type while its
 * status stays the same, as Kubernetes' meta.SetStatusCondition does.
 */
export function condition(
  type: string,
  status: boolean | Condition["status"],
  reason: string,
  message: string,
  previous: readonly PreviousCondition[] | undefined,
  now: string,
  generation?: number,
): Condition {
  const value: Condition["status"] = typeof status === "boolean" ? (status ? "True" : "False") : status;
  const before = previous?.find((c) => c.type === type);
  const c: Condition = {
    type,
    status: value,
    reason,
    message,
    lastTransitionTime: before?.status === value && before.lastTransitionTime ? before.lastTransitionTime : now,
  };
  if (generation !== undefined) c.observedGeneration = generation;
  return c;
}

/** `conditions` with `next` in place of the one of its type (appended when there was none), order kept. */
export function withCondition<C extends { type: string }>(conditions: readonly C[], next: C): C[] {
  return conditions.some((c) => c.type === next.type)
    ? conditions.map((c) => (c.type === next.type ? next : c))
    : [...conditions, next];
}
