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

/**
 * A condition with `lastTransitionTime` kept from the previous one of the same type while its
 * status stays the same, as Kubernetes' meta.SetStatusCondition does.
 */
export function condition(
  type: string,
  status: boolean | Condition["status"],
  reason: string,
  message: string,
  previous: readonly { type: string; status: string; lastTransitionTime?: string }[] | undefined,
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

/** Status without transition times, to tell whether a write would change anything. */
export function comparableStatus(status: unknown): string {
  const s = (status ?? {}) as { conditions?: Array<Record<string, unknown>> };
  return JSON.stringify({
    ...s,
    conditions: (s.conditions ?? []).map((c) => ({ ...c, lastTransitionTime: undefined })),
  });
}
