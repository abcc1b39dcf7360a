import type { Pod } from "kubernetes-types/core/v1.js";
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import { apiVersionOf, defineKind, isKind } from "../kube/kind.js";
import type { KubeObject } from "../kube/object.js";

/**
 * Gangs: Volcano's PodGroup (`scheduling.volcano.sh/v1beta1`, volcano-sh/apis) and the
 * scheduler-plugins Coscheduling PodGroup (`scheduling.x-k8s.io/v1alpha1`,
 * kubernetes-sigs/scheduler-plugins). Both give `minMember`; inferplane creates Volcano's.
 */
export const VolcanoPodGroupKind = defineKind<PodGroup>({
  group: "scheduling.volcano.sh",
  version: "v1beta1",
  kind: "PodGroup",
  plural: "podgroups",
  namespaced: true,
});
export const CoschedulingPodGroupKind = defineKind<PodGroup>({
  group: "scheduling.x-k8s.io",
  version: "v1alpha1",
  kind: "PodGroup",
  plural: "podgroups",
  namespaced: true,
});
export const VOLCANO_PODGROUP_API_VERSION = apiVersionOf(VolcanoPodGroupKind);
export const COSCHEDULING_PODGROUP_API_VERSION = apiVersionOf(CoschedulingPodGroupKind);
/** scheduler-plugins: the pod label naming its PodGroup. */
export const COSCHEDULING_POD_GROUP_LABEL = "scheduling.x-k8s.io/pod-group";

/**
 * Volcano's NetworkTopologySpec (scheduling/v1beta1): `hard` (default) or `soft`; the highest tier a
 * group may span, by number or by the HyperNodes' `spec.tierName` (not both).
 */
export interface NetworkTopology {
  mode?: "hard" | "soft";
  highestTierAllowed?: number;
  highestTierName?: string;
}

/**
 * Both kinds' spec fields. Volcano (volcano-sh/apis scheduling/v1beta1 PodGroupSpec): minMember,
 * minTaskMember, queue, priorityClassName, minResources, networkTopology, subGroupPolicy.
 * scheduler-plugins (scheduling.x-k8s.io/v1alpha1): minMember, minResources, scheduleTimeoutSeconds.
 */
export interface PodGroupSpec {
  minMember?: number;
  minResources?: Record<string, string>;
  minTaskMember?: Record<string, number>;
  queue?: string;
  priorityClassName?: string;
  networkTopology?: NetworkTopology;
  subGroupPolicy?: unknown[];
  scheduleTimeoutSeconds?: number;
}

export interface PodGroup {
  apiVersion: string;
  kind: "PodGroup";
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    ownerReferences?: OwnerReference[];
  };
  spec: PodGroupSpec;
}

export function isPodGroup(obj: KubeObject): obj is PodGroup {
  return isKind(obj, VolcanoPodGroupKind) || isKind(obj, CoschedulingPodGroupKind);
}

/** The gang a pod belongs to: Volcano's annotation, or scheduler-plugins' label. */
export function gangName(pod: Pod): string | undefined {
  return pod.metadata?.annotations?.[ANNOTATION_GANG_GROUP] ?? pod.metadata?.labels?.[COSCHEDULING_POD_GROUP_LABEL];
}

export function taskOf(pod: Pod): string {
  return pod.metadata?.annotations?.[ANNOTATION_TASK_SPEC] ?? "";
}

/** Pod annotation naming its gang (the PodGroup), read by Volcano and by the extender. */
export const ANNOTATION_GANG_GROUP = "scheduling.k8s.io/group-name";
/** Pod annotation naming its task in the PodGroup's `minTaskMember`. */
export const ANNOTATION_TASK_SPEC = "volcano.sh/task-spec";
