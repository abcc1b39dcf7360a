import type { Pod } from "kubernetes-types/core/v1.js";

export function isTerminating(pod: Pod): boolean {
  return Boolean(pod.metadata?.deletionTimestamp);
}

export function isRunningAndReady(pod: Pod): boolean {
  return (
    !isTerminating(pod) &&
    pod.status?.phase === "Running" &&
    (pod.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True")
  );
}

/** Failed, or not Ready after a container restarted; a pod that is still starting is not broken. */
function isBroken(pod: Pod): boolean {
  if (isTerminating(pod) || isRunningAndReady(pod)) return false;
  return pod.status?.phase === "Failed" || (pod.status?.containerStatuses ?? []).some((c) => c.restartCount > 0);
}

/** Since when a pod has been broken (its Ready condition's last transition), or undefined. */
export function brokenSince(pod: Pod): Date | undefined {
  if (!isBroken(pod)) return undefined;
  const ready = (pod.status?.conditions ?? []).find((c) => c.type === "Ready");
  return new Date(ready?.lastTransitionTime ?? pod.metadata?.creationTimestamp ?? 0);
}
