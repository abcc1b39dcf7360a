import type { StatefulSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { NOT_SYNCED, type AdmissionContext } from "./context.js";
import { DenialCode } from "./field-errors.js";
import { enhanceModelInferPod } from "./enhancers/modelinfer.js";
import { isModelInferPod, resolveModelInferPlace } from "./enhancers/modelinfer-place.js";
import { failure, failures, success, type Outcome } from "./enhancers/result.js";
import { emittedValueErrors } from "./validators/emitted.js";
import { routeGangToScheduler } from "./enhancers/scheduler-name.js";
import { asksForGpuFeatures } from "./gpu/annotations.js";
import { enhanceGpuPod } from "./gpu/enhance.js";
import { enhanceStatefulSet, isRoleStatefulSet } from "./enhancers/statefulset.js";
import { enhanceStatefulSetPod, owningStatefulSet } from "./enhancers/statefulset-pod.js";
import { LABEL_ROLE } from "../src/apis/matrixinfer.js";

/** Enhances one opted-in object of a kind; returns the enhanced copy, never touches its input. */
export type Mutator = (obj: unknown, namespace: string, ctx: AdmissionContext) => Outcome<unknown>;

function mutatePod(obj: unknown, namespace: string, ctx: AdmissionContext): Outcome<unknown> {
  const result = enhancePod(obj as Pod, namespace, ctx);
  if (!result.ok) return result;
  const gpu = enhanceGpuFeatures(result.value, namespace, ctx, result.value !== obj);
  if (!gpu.ok) return gpu;
  const pod = routeGangToScheduler(gpu.value, ctx.schedulerName);
  const invalid = emittedValueErrors(obj as Pod, pod);
  return invalid.length > 0
    ? failures(DenialCode.Invalid, invalid)
    : success(pod, [...result.warnings, ...gpu.warnings]);
}

/** `owned`: the pod is already the ModelInfer enhancer's private copy, so it need not be copied again. */
function enhanceGpuFeatures(pod: Pod, namespace: string, ctx: AdmissionContext, owned: boolean): Outcome<Pod> {
  if (!asksForGpuFeatures(pod.metadata?.annotations)) return success(pod);
  if (!ctx.view.hasSynced()) return failure(DenialCode.Unavailable, NOT_SYNCED);
  return enhanceGpuPod(pod, namespace, ctx.view, owned);
}

function enhancePod(pod: Pod, namespace: string, ctx: AdmissionContext): Outcome<Pod> {
  const statefulSetPod = Boolean(pod.metadata?.labels?.[LABEL_ROLE] && owningStatefulSet(pod));
  if (!isModelInferPod(pod) && !statefulSetPod) return success(pod);
  if (!ctx.view.hasSynced()) return failure(DenialCode.Unavailable, NOT_SYNCED);
  if (isModelInferPod(pod)) {
    const place = resolveModelInferPlace(pod, namespace, ctx.view);
    if (!place.ok) return place;
    const enhanced = enhanceModelInferPod(pod, place.value);
    return success(enhanced.pod, [...place.warnings, ...enhanced.warnings]);
  }
  return enhanceStatefulSetPod(pod, namespace, ctx.view);
}

function mutateStatefulSet(obj: unknown, namespace: string): Outcome<unknown> {
  const sts = obj as StatefulSet;
  return isRoleStatefulSet(sts) ? enhanceStatefulSet(sts, namespace) : success(sts);
}

interface MutatorEntry {
  mutate: Mutator;
  operations: ReadonlySet<string>;
}

/**
 * By `group/version/Kind`. Pods are mutated on CREATE only: their spec is immutable after.
 * Deployments have no ordinals, so nothing here changes them; they are only validated.
 */
export const MUTATORS: ReadonlyMap<string, MutatorEntry> = new Map([
  ["v1/Pod", { mutate: mutatePod, operations: new Set(["CREATE"]) }],
  ["apps/v1/StatefulSet", { mutate: mutateStatefulSet, operations: new Set(["CREATE", "UPDATE"]) }],
]);
