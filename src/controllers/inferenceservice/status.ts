import type { Pod } from "kubernetes-types/core/v1.js";
import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import {
  LABEL_INFERENCE_SERVICE,
  type InferenceService,
  type InferenceServicePhase,
  type InferenceServiceStatus,
} from "../../apis/inference-ai.js";
import { LABEL_ENTRY, ModelInferKind } from "../../apis/matrixinfer.js";
import { DEPLOYMENT, POD } from "../../kube/core-kinds.js";
import { condition, type Condition } from "../runtime/conditions.js";
import type { Lookups } from "../runtime/reconciler.js";
import { autoscalerCondition, autoscalerRef } from "./autoscaler-status.js";
import { holdReason } from "./desired.js";
import { CONDITION_GANG_SCHEDULING, gangVerdict } from "./gang.js";
import { DEFAULT_INFERENCE_SERVICE_SETTINGS, type InferenceServiceSettings } from "./settings.js";
import { resolutions } from "./dependencies.js";
import { pipelineParallelism } from "../../engines/parallelism.js";
import { gpuAllocation, isReady, isScheduled, isTerminating, stuckReason } from "./pods.js";
import { serviceUrl } from "./service.js";
import { ownedReplicas } from "./workload.js";

/** What the workload reports: replicas wanted, ready and available, and why it cannot progress. */
interface Observed {
  replicas: number;
  ready: number;
  available: number;
  pods: Pod[];
  deadlineExceeded: boolean;
}

/** Replicas before the workload says: what the controller sets, else the autoscaler's floor. */
function expectedReplicas(svc: InferenceService): number {
  return ownedReplicas(svc) ?? Math.max(svc.spec.autoscaling?.minReplicas ?? 1, 1);
}

function podsOf(svc: InferenceService, view: ClusterReader): Pod[] {
  const name = svc.metadata.name ?? "";
  return view
    .list(POD, svc.metadata.namespace ?? "default")
    .filter((p) => p.metadata?.labels?.[LABEL_INFERENCE_SERVICE] === name && !isTerminating(p));
}

/** A multi-node replica is ready when its ModelInfer group is available (all its pods ready). */
function observeModelInfer(svc: InferenceService, view: ClusterReader, pods: Pod[]): Observed {
  const mi = view.get(ModelInferKind, svc.metadata.namespace ?? "default", svc.metadata.name ?? "");
  const replicas = mi?.spec.replicas ?? expectedReplicas(svc);
  const available = mi?.status?.availableReplicas ?? 0;
  const ready = pods.filter((p) => p.metadata?.labels?.[LABEL_ENTRY] === "true" && isReady(p)).length;
  return { replicas, ready: Math.min(ready, available), available, pods, deadlineExceeded: false };
}

/** The Deployment controller gave up: Progressing False, reason ProgressDeadlineExceeded. */
function deadlineExceeded(conditions: readonly { type: string; reason?: string }[] = []): boolean {
  return conditions.some((c) => c.type === "Progressing" && c.reason === "ProgressDeadlineExceeded");
}

/** Replicas from the Deployment or ModelInfer the view holds, readiness from the pods as they are. */
function observe(svc: InferenceService, view: ClusterReader): Observed {
  const pods = podsOf(svc, view);
  if (pipelineParallelism(svc) > 1) return observeModelInfer(svc, view, pods);
  const dep = view.get(DEPLOYMENT, svc.metadata.namespace ?? "default", svc.metadata.name ?? "");
  const ready = pods.filter(isReady).length;
  return {
    replicas: dep?.spec?.replicas ?? expectedReplicas(svc),
    ready,
    available: dep?.status?.availableReplicas ?? ready,
    pods,
    deadlineExceeded: deadlineExceeded(dep?.status?.conditions),
  };
}

interface PhaseVerdict {
  phase: InferenceServicePhase;
  reason: string;
  message: string;
}

function failure(o: Observed): PhaseVerdict | undefined {
  if (o.deadlineExceeded)
    return {
      phase: "Failed",
      reason: "ProgressDeadlineExceeded",
      message: "the rollout made no progress in 30 minutes",
    };
  if (o.ready >= o.replicas) return undefined;
  const stuck = o.pods.map(stuckReason).find((s) => s !== undefined);
  return stuck ? { phase: "Failed", ...stuck } : undefined;
}

/** The phase from the pods as they are (DESIGN.md §12): never guessed from what was applied. */
function phaseOf(o: Observed): PhaseVerdict {
  const failed = failure(o);
  if (failed) return failed;
  const counts = `${o.ready}/${o.replicas} replicas ready`;
  if (o.ready === o.replicas) return { phase: "Running", reason: "AllReplicasReady", message: counts };
  if (o.ready > 0) return { phase: "Scaling", reason: "ReplicasChanging", message: counts };
  if (o.pods.some(isScheduled)) return { phase: "Initializing", reason: "LoadingModel", message: counts };
  return { phase: "Pending", reason: o.pods.length === 0 ? "NoPods" : "Unscheduled", message: counts };
}

/** A held service: Failed when the spec is refused, else Pending on what it waits for. */
function heldVerdict(held: { reason: string; message: string }): PhaseVerdict {
  return { phase: held.reason === "InvalidSpec" ? "Failed" : "Pending", reason: held.reason, message: held.message };
}

type Cond = (type: string, ok: boolean | "Unknown", reason: string, message: string) => Condition;

/** GangScheduling for a multi-node service, none for a single-node one. */
function gangCondition(
  svc: InferenceService,
  settings: InferenceServiceSettings,
  lookups: Lookups | undefined,
  cond: Cond,
): Condition[] {
  const gang = gangVerdict(svc, settings, lookups);
  return gang ? [cond(CONDITION_GANG_SCHEDULING, gang.status, gang.reason, gang.message)] : [];
}

/**
 * The status subresource: phase, replica counts, URL, the GPUs pods got, and conditions Ready,
 * Progressing, AutoscalerReady, GPUPoolResolved, CacheResolved, SourceResolved, and for a
 * multi-node service GangScheduling. Pure.
 */
export function inferenceServiceStatus(
  svc: InferenceService,
  view: ClusterReader,
  now: Date,
  lookups?: Lookups,
  settings: InferenceServiceSettings = DEFAULT_INFERENCE_SERVICE_SETTINGS,
): InferenceServiceStatus {
  const at = now.toISOString();
  const previous = svc.status?.conditions ?? [];
  const generation = svc.metadata.generation;
  const cond: Cond = (type, ok, reason, message) => condition(type, ok, reason, message, previous, at, generation);
  const o = observe(svc, view);
  const held = holdReason(svc, view, lookups, settings);
  const verdict = held ? heldVerdict(held) : phaseOf(o);
  const moving = verdict.phase === "Pending" || verdict.phase === "Initializing" || verdict.phase === "Scaling";
  const status: InferenceServiceStatus = {
    phase: verdict.phase,
    replicas: o.replicas,
    readyReplicas: o.ready,
    availableReplicas: o.available,
    labelSelector: `${LABEL_INFERENCE_SERVICE}=${svc.metadata.name ?? ""}`,
    url: serviceUrl(svc),
    gpuAllocations: o.pods.map(gpuAllocation).filter((a) => a !== undefined),
    conditions: [
      cond("Ready", verdict.phase === "Running", verdict.reason, verdict.message),
      cond("Progressing", moving && !held, held ? "Held" : verdict.reason, verdict.message),
      autoscalerCondition(svc, view, lookups, cond),
      ...resolutions(svc, view, lookups).map((r) => cond(r.type, r.ok, r.reason, r.message)),
      ...gangCondition(svc, settings, lookups, cond),
    ],
  };
  const autoscaler = autoscalerRef(svc, lookups);
  if (autoscaler) status.autoscaler = autoscaler;
  if (generation !== undefined) status.observedGeneration = generation;
  return status;
}
