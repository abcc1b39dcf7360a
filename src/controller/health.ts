import type { Pod } from "kubernetes-types/core/v1.js";

export function isTerminating(pod: Pod): boolean {
  return Boolean(pod.metadata?.deletionTimestamp);
}

export function isRunningAndReady(pod: Pod): boolean {
  return !isTerminating(pod) && pod.status?.phase === "Running" && (pod.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/**
 * Since when a pod has been broken, or undefined when it is not: Failed, or not Ready after a
 * container restarted. A pod that is still starting (Pending, never restarted) is not broken.
 */
export function brokenSince(pod: Pod): Date | undefined {
  if (isTerminating(pod) || isRunningAndReady(pod)) return undefined;
  const restarted = (pod.status?.containerStatuses ?? []).some((c) => c.restartCount > 0);
  if (pod.status?.phase !== "Failed" && !restarted) return undefined;
  const ready = (pod.status?.conditions ?? []).find((c) => c.type === "Ready");
  const since = ready?.lastTransitionTime ?? pod.metadata?.creationTimestamp;
  return since ? new Date(since) : new Date(0);
}
