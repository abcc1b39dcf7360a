import type { Pod } from "kubernetes-types/core/v1.js";
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import { ANNOTATION_GANG_GROUP, ANNOTATION_TASK_SPEC } from "../src/modelinfer/labels.js";

/** Volcano's and scheduler-plugins' PodGroups: both give minMember. */
export const VOLCANO_PODGROUP_API_VERSION = "scheduling.volcano.sh/v1beta1";
export const COSCHEDULING_PODGROUP_API_VERSION = "scheduling.x-k8s.io/v1alpha1";
export const COSCHEDULING_POD_GROUP_LABEL = "scheduling.x-k8s.io/pod-group";

export interface PodGroup {
  apiVersion: string;
  kind: "PodGroup";
  metadata: { name: string; namespace?: string; resourceVersion?: string; ownerReferences?: OwnerReference[] };
  spec: {
    minMember?: number;
    minResources?: Record<string, string>;
    minTaskMember?: Record<string, number>;
    networkTopology?: { mode?: "hard" | "soft"; highestTierAllowed?: number };
  };
}

export function isPodGroup(obj: { apiVersion?: string; kind?: string }): obj is PodGroup {
  return (
    obj.kind === "PodGroup" &&
    (obj.apiVersion === VOLCANO_PODGROUP_API_VERSION || obj.apiVersion === COSCHEDULING_PODGROUP_API_VERSION)
  );
}

/** The gang a pod belongs to: Volcano's annotation, or scheduler-plugins' label. */
export function gangName(pod: Pod): string | undefined {
  return pod.metadata?.annotations?.[ANNOTATION_GANG_GROUP] ?? pod.metadata?.labels?.[COSCHEDULING_POD_GROUP_LABEL];
}

export function taskOf(pod: Pod): string {
  return pod.metadata?.annotations?.[ANNOTATION_TASK_SPEC] ?? "";
}
