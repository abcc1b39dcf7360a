import type { Container, ContainerStatus, Pod } from "kubernetes-types/core/v1.js";
import { isGpuResource } from "../../nvidia/resources.js";
import type { GpuAllocation } from "../../apis/inference-ai.js";

/** Waiting reasons a pod does not get out of by waiting: the kubelet's own words. */
const STUCK = new Set([
  "CrashLoopBackOff",
  "ImagePullBackOff",
  "ErrImagePull",
  "InvalidImageName",
  "CreateContainerConfigError",
  "CreateContainerError",
]);

export function isTerminating(pod: Pod): boolean {
  return pod.metadata?.deletionTimestamp !== undefined;
}

export function isReady(pod: Pod): boolean {
  return (
    pod.status?.phase === "Running" &&
    (pod.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True")
  );
}

export function isScheduled(pod: Pod): boolean {
  return (
    pod.spec?.nodeName !== undefined ||
    (pod.status?.conditions ?? []).some((c) => c.type === "PodScheduled" && c.status === "True")
  );
}

function containerStatuses(pod: Pod): ContainerStatus[] {
  const status = pod.status ?? {};
  return [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
}

/** Why a pod cannot become ready on its own (`CrashLoopBackOff: <message>`), if it cannot. */
export function stuckReason(pod: Pod): { reason: string; message: string } | undefined {
  const name = pod.metadata?.name ?? "";
  if (pod.status?.phase === "Failed")
    return { reason: "PodFailed", message: `pod ${name}: ${pod.status.message ?? "failed"}` };
  const waiting = containerStatuses(pod)
    .map((s) => s.state?.waiting)
    .find((w) => STUCK.has(w?.reason ?? ""));
  if (!waiting?.reason) return undefined;
  return { reason: waiting.reason, message: `pod ${name}: ${waiting.message ?? waiting.reason}` };
}

/** GPU resources of one container: its limits over its requests. */
function containerGpus(c: Container): [string, number][] {
  const given = { ...c.resources?.requests, ...c.resources?.limits };
  return Object.entries(given)
    .filter(([name]) => isGpuResource(name))
    .map(([name, value]) => [name, Number(value)]);
}

/** The GPU resources (nvidia.com/*) a bound pod's containers hold, summed by name, as the pod was admitted. */
export function gpuAllocation(pod: Pod): GpuAllocation | undefined {
  const node = pod.spec?.nodeName;
  if (!node) return undefined;
  const totals = new Map<string, number>();
  for (const [name, count] of (pod.spec?.containers ?? []).flatMap(containerGpus))
    totals.set(name, (totals.get(name) ?? 0) + count);
  if (totals.size === 0) return undefined;
  const resources = Object.fromEntries([...totals].map(([k, v]) => [k, String(v)]));
  return { pod: pod.metadata?.name ?? "", node, resources };
}
