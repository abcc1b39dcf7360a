import type { Pod } from "kubernetes-types/core/v1.js";
import { parseIndexSuffix } from "../../modelinfer/naming.js";
import type { ModelInfer } from "../../apis/matrixinfer.js";
import { isRunningAndReady, isTerminating } from "./health.js";
import { LABEL_GROUP_NAME } from "../../apis/matrixinfer.js";

/** The InferGroup index of a pod, from its group-name label. */
export function groupIndexOf(mi: ModelInfer, pod: Pod): number | undefined {
  return parseIndexSuffix(pod.metadata?.labels?.[LABEL_GROUP_NAME] ?? "", mi.metadata.name ?? "");
}

export function podsOfGroup(mi: ModelInfer, pods: readonly Pod[], g: number): Pod[] {
  return pods.filter((p) => groupIndexOf(mi, p) === g);
}

/** Pods an InferGroup has when complete: an entry plus workers per role instance. */
export function podsPerGroup(mi: ModelInfer): number {
  return mi.spec.template.roles.reduce((sum, role) => sum + (role.replicas ?? 1) * ((role.workerReplicas ?? 0) + 1), 0);
}

/** All of the group's pods exist and are Running and Ready. */
export function groupAvailable(mi: ModelInfer, pods: readonly Pod[], g: number): boolean {
  const mine = podsOfGroup(mi, pods, g).filter((p) => !isTerminating(p));
  return mine.length === podsPerGroup(mi) && mine.every(isRunningAndReady);
}

/**
 * Which InferGroups should exist: the ones that do, then — as MatrixInfer scales — on scale-up
 * the lowest free ordinals are added, and on scale-down groups that are not available go first,
 * then the highest ordinals. Pure.
 */
export function groupIndices(mi: ModelInfer, pods: readonly Pod[]): number[] {
  const replicas = mi.spec.replicas ?? 1;
  const existing = [
    ...new Set(
      pods
        .filter((p) => !isTerminating(p))
        .map((p) => groupIndexOf(mi, p))
        .filter((g): g is number => g !== undefined),
    ),
  ];
  if (existing.length > replicas) {
    const removalOrder = [...existing].sort(
      (a, b) => Number(groupAvailable(mi, pods, a)) - Number(groupAvailable(mi, pods, b)) || b - a,
    );
    const removed = new Set(removalOrder.slice(0, existing.length - replicas));
    return existing.filter((g) => !removed.has(g)).sort((a, b) => a - b);
  }
  const indices = new Set(existing);
  for (let g = 0; indices.size < replicas; g++) indices.add(g);
  return [...indices].sort((a, b) => a - b);
}
