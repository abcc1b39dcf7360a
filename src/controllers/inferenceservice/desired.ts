import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import type { InferenceService } from "../../apis/inference-ai.js";
import type { KubeObject } from "../../kube/object.js";
import { formatFieldError, type FieldError } from "../../../webhooks/field-errors.js";
import { inferenceServiceErrors } from "../../../webhooks/validators/inference-service.js";
import type { DesiredState, EventNote, Lookups } from "../runtime/reconciler.js";
import { autoscalerKind, horizontalPodAutoscaler, scaledObject } from "./autoscaler.js";
import { kedaInstalled, resolutions } from "./dependencies.js";
import { pipelineParallelism } from "../../engines/parallelism.js";
import { podTemplate } from "./pod-template.js";
import { service } from "./service.js";
import { deployment, modelInfer } from "./workload.js";
import { schedulerOf } from "./gang.js";
import { DEFAULT_INFERENCE_SERVICE_SETTINGS, type InferenceServiceSettings } from "./settings.js";
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";

/** While a Secret is missing (no watch tells us it appeared): look again this often. */
export const SECRET_RECHECK_MS = 30_000;
/** While `auto` runs an HPA for lack of KEDA: look for KEDA's CRD this often. */
export const KEDA_RECHECK_MS = 300_000;

/** Why desired() holds the children as they are, or undefined when it does not. */
export interface Blocker {
  /** The condition whose reason it is (Ready for a refused spec). */
  condition: string;
  reason: string;
  message: string;
}

/** An Event for a blocker, only when its condition did not already say so (no Event per recheck). */
function transitionEvent(svc: InferenceService, blocker: Blocker): EventNote[] {
  const before = svc.status?.conditions?.find((c) => c.type === blocker.condition);
  if (before?.status === "False" && before.reason === blocker.reason) return [];
  return [{ type: "Warning", reason: blocker.reason, message: blocker.message }];
}

/** What keeps the children from being applied: a refused spec, then a missing GPUPool, TokenCache or Secret. */
export function blocker(svc: InferenceService, view: ClusterReader, lookups: Lookups | undefined): Blocker | undefined {
  const errors = inferenceServiceErrors(svc);
  if (errors.length > 0)
    return { condition: "Ready", reason: "InvalidSpec", message: errors.map(formatFieldError).join("; and ") };
  const missing = resolutions(svc, view, lookups).find((r) => !r.ok);
  return missing ? { condition: missing.type, reason: missing.reason, message: missing.message } : undefined;
}

function held(svc: InferenceService, why: Blocker): DesiredState {
  const state: DesiredState = { children: [], hold: why.message, events: transitionEvent(svc, why) };
  if (why.reason === "SecretNotFound") state.recheckAfterMs = SECRET_RECHECK_MS;
  return state;
}

/** The admission enhancers' refusal of the pod template, as the condition message says it. */
function refusal(errors: readonly FieldError[]): string {
  return errors.map(formatFieldError).join("; and ");
}

/** Deployment or ModelInfer, with pod templates from the admission enhancers. */
function workload(
  svc: InferenceService,
  view: ClusterReader,
  settings: InferenceServiceSettings,
): KubeObject | Blocker {
  const multiNode = pipelineParallelism(svc) > 1;
  const scheduler = schedulerOf(svc, settings);
  const first = podTemplate(svc, view, multiNode ? "entry" : "single");
  if (!first.ok) return { condition: "Ready", reason: "PodRefused", message: refusal(first.errors) };
  if (!multiNode) return deployment(svc, withScheduler(first.value, scheduler));
  const worker = podTemplate(svc, view, "worker");
  if (!worker.ok) return { condition: "Ready", reason: "PodRefused", message: refusal(worker.errors) };
  return modelInfer(svc, first.value, worker.value, scheduler);
}

/** A Deployment's pod template with spec.schedulerName, when the spec names one. */
function withScheduler(template: PodTemplateSpec, scheduler: string | undefined): PodTemplateSpec {
  return scheduler && template.spec ? { ...template, spec: { ...template.spec, schedulerName: scheduler } } : template;
}

/** Why the children are held this pass, if they are: a blocker, or the enhancers' refusal of a pod template. */
export function holdReason(
  svc: InferenceService,
  view: ClusterReader,
  lookups: Lookups | undefined,
  settings: InferenceServiceSettings = DEFAULT_INFERENCE_SERVICE_SETTINGS,
): Blocker | undefined {
  const why = blocker(svc, view, lookups);
  if (why) return why;
  const work = workload(svc, view, settings);
  return "reason" in work ? work : undefined;
}

function autoscaler(svc: InferenceService, lookups: Lookups | undefined): KubeObject[] {
  const keda = kedaInstalled(lookups);
  const kind = autoscalerKind(svc, keda === true);
  if (kind === "HorizontalPodAutoscaler") return [horizontalPodAutoscaler(svc)];
  // KEDA asked for but not installed: no ScaledObject the API would refuse; AutoscalerReady says why.
  return kind === "ScaledObject" && keda !== false ? [scaledObject(svc)] : [];
}

/**
 * The children of an InferenceService: its workload, a Service and an autoscaler — or nothing
 * new at all (hold) while the spec is refused or a GPUPool, TokenCache or Secret it names is
 * missing. Pure over the object, the view and the runtime's lookups.
 */
export function inferenceServiceDesired(
  svc: InferenceService,
  view: ClusterReader,
  lookups?: Lookups,
  settings: InferenceServiceSettings = DEFAULT_INFERENCE_SERVICE_SETTINGS,
): DesiredState {
  const why = blocker(svc, view, lookups);
  if (why) return held(svc, why);
  const work = workload(svc, view, settings);
  if ("reason" in work) return held(svc, work);
  const state: DesiredState = { children: [work, service(svc), ...autoscaler(svc, lookups)] };
  if ((svc.spec.autoscaling?.strategy ?? "auto") === "auto" && kedaInstalled(lookups) === false)
    state.recheckAfterMs = KEDA_RECHECK_MS;
  return state;
}
