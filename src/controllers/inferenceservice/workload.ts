import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import type { InferenceService } from "../../apis/inference-ai.js";
import { MODELINFER_API_VERSION, type ModelInfer } from "../../apis/matrixinfer.js";
import type { KubeObject } from "../../kube/object.js";
import { DEPLOYMENT } from "../../kube/core-kinds.js";
import { apiVersionOf } from "../../kube/kind.js";
import { childMetadata } from "./owner.js";
import { MODELINFER_ROLE, pipelineParallelism } from "../../engines/parallelism.js";
import { podLabels } from "./pod-template.js";

export { MODELINFER_ROLE } from "../../engines/parallelism.js";
/** A rollout that has not progressed in 30 minutes (model download included) is failed (Deployment condition). */
const PROGRESS_DEADLINE_SECONDS = 1800;

/**
 * Replicas the controller sets on the workload: spec.replicas (default 1); undefined while an HPA
 * or ScaledObject owns them. With strategy optimizer the optimizer loop writes the service's
 * spec.replicas and the controller carries it over (default minReplicas, at least 1), so one
 * apply rolls out a new count and a new GPU type together.
 */
export function ownedReplicas(svc: InferenceService): number | undefined {
  const scaling = svc.spec.autoscaling;
  if (!scaling) return svc.spec.replicas ?? 1;
  if (scaling.strategy !== "optimizer") return undefined;
  return svc.spec.replicas ?? Math.max(scaling.minReplicas ?? 1, 1);
}

/** The workload's kind and name, as an autoscaler's scaleTargetRef names it. */
export function workloadRef(svc: InferenceService): { apiVersion: string; kind: string; name: string } {
  const name = svc.metadata.name ?? "";
  return pipelineParallelism(svc) > 1
    ? { apiVersion: MODELINFER_API_VERSION, kind: "ModelInfer", name }
    : { apiVersion: apiVersionOf(DEPLOYMENT), kind: "Deployment", name };
}

/**
 * One pod per replica: `maxSurge` 0 (unless spec.maxSurge) and `maxUnavailable` 1, so a rolling
 * update stops an old replica before it starts a new one and never needs more GPUs than it holds.
 */
export function deployment(svc: InferenceService, template: PodTemplateSpec): Deployment & KubeObject {
  const replicas = ownedReplicas(svc);
  const spec: NonNullable<Deployment["spec"]> = {
    selector: { matchLabels: { [Object.keys(podLabels(svc))[0] ?? ""]: svc.metadata.name ?? "" } },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: svc.spec.maxSurge ?? 0, maxUnavailable: 1 } },
    progressDeadlineSeconds: PROGRESS_DEADLINE_SECONDS,
    template,
  };
  if (replicas !== undefined) spec.replicas = replicas;
  return { apiVersion: "apps/v1", kind: "Deployment", metadata: childMetadata(svc), spec };
}

/**
 * One replica spanning `pipelineParallelism` nodes: a ModelInfer InferGroup with one role, an
 * entry (the Ray head and the server) and pp − 1 workers, gang-scheduled (all pods or none) by
 * `scheduler`, which must act on its PodGroups (gang.ts).
 */
export function modelInfer(
  svc: InferenceService,
  entry: PodTemplateSpec,
  worker: PodTemplateSpec,
  scheduler: string | undefined,
): ModelInfer {
  const replicas = ownedReplicas(svc);
  const mi: ModelInfer = {
    apiVersion: "workload.matrixinfer.ai/v1alpha1",
    kind: "ModelInfer",
    metadata: childMetadata(svc),
    spec: {
      template: {
        roles: [
          {
            name: MODELINFER_ROLE,
            replicas: 1,
            workerReplicas: pipelineParallelism(svc) - 1,
            entryTemplate: entry,
            workerTemplate: worker,
          },
        ],
        gangSchedule: {},
      },
    },
  };
  if (replicas !== undefined) mi.spec.replicas = replicas;
  if (scheduler) mi.spec.schedulerName = scheduler;
  return mi;
}
