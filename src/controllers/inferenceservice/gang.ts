import type { InferenceService } from "../../apis/inference-ai.js";
import { pipelineParallelism } from "../../engines/parallelism.js";
import { CUSTOM_RESOURCE_DEFINITION } from "../../kube/core-kinds.js";
import { referenceKey, type Lookups, type Reference } from "../runtime/reconciler.js";
import { defaultGangScheduler, VOLCANO_SCHEDULER, type InferenceServiceSettings } from "./settings.js";

/** The condition saying whether a multi-node replica's pods are placed all or none. */
export const CONDITION_GANG_SCHEDULING = "GangScheduling";

/** Volcano's PodGroup CRD: the ModelInfer controller writes one PodGroup per replica, which needs it. */
export const PODGROUP_CRD = "podgroups.scheduling.volcano.sh";

export function podGroupCrdRef(): Reference {
  return { kind: CUSTOM_RESOURCE_DEFINITION, namespace: "", name: PODGROUP_CRD };
}

/** The scheduler of the workload's pods: spec.schedulerName; for a multi-node replica by default the gang scheduler. */
export function schedulerOf(svc: InferenceService, settings: InferenceServiceSettings): string | undefined {
  if (svc.spec.schedulerName) return svc.spec.schedulerName;
  return pipelineParallelism(svc) > 1 ? defaultGangScheduler(settings) : undefined;
}

export interface GangVerdict {
  /** The condition's status: true, false, or "Unknown" (inferplane cannot tell yet). */
  status: boolean | "Unknown";
  reason: string;
  message: string;
}

/**
 * Whether a multi-node replica's pods can be placed all or none (undefined for single-node
 * services): they go to a scheduler that acts on Volcano PodGroups — inferplane's own or Volcano —
 * and Volcano's PodGroup CRD exists (the ModelInfer controller writes the PodGroups). The
 * default scheduler ignores PodGroups: a replica's pods may start in part and hold GPUs waiting.
 */
export function gangVerdict(
  svc: InferenceService,
  settings: InferenceServiceSettings,
  lookups: Lookups | undefined,
): GangVerdict | undefined {
  if (pipelineParallelism(svc) <= 1) return undefined;
  const scheduler = schedulerOf(svc, settings) ?? "";
  const fix =
    "install Volcano, run the chart with scheduler.mode=second, or set spec.schedulerName to your gang scheduler";
  if (scheduler === "default-scheduler")
    return {
      status: false,
      reason: "NoGangScheduler",
      message: `default-scheduler ignores PodGroups: a replica's pods may start in part and hold GPUs waiting for the rest; ${fix}`,
    };
  const crd = lookups?.get(referenceKey(podGroupCrdRef()));
  if (crd === false)
    return {
      status: false,
      reason: "PodGroupCRDMissing",
      message: `${PODGROUP_CRD} is not installed: no PodGroup can be made, and ${scheduler} cannot place a replica whole; ${fix}`,
    };
  const known = scheduler === settings.ownScheduler || scheduler === VOLCANO_SCHEDULER;
  if (!known)
    return {
      status: "Unknown",
      reason: "SchedulerNotKnown",
      message: `pods go to ${scheduler}; inferplane cannot tell whether it places Volcano PodGroups whole`,
    };
  const who = scheduler === settings.ownScheduler ? `${scheduler} (inferplane's scheduler)` : "Volcano";
  if (crd === undefined)
    return { status: "Unknown", reason: "NotChecked", message: `pods go to ${who}; ${PODGROUP_CRD} not read yet` };
  return { status: true, reason: "GangScheduler", message: `${who} places each replica's pods all or none` };
}
