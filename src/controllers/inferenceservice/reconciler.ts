import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import {
  GPUPoolKind,
  InferenceServiceKind,
  LABEL_INFERENCE_SERVICE,
  TokenCacheKind,
  type InferenceService,
  type InferenceServiceStatus,
} from "../../apis/inference-ai.js";
import { ModelInferKind } from "../../apis/matrixinfer.js";
import { DEPLOYMENT, HORIZONTAL_POD_AUTOSCALER, POD, SERVICE } from "../../kube/core-kinds.js";
import { isKind } from "../../kube/kind.js";
import type { KubeObject } from "../../kube/object.js";
import { ScaledObjectKind } from "../../keda/scaled-object.js";
import type { Reconciler } from "../runtime/reconciler.js";
import { references } from "./dependencies.js";
import { inferenceServiceDesired } from "./desired.js";
import { inferenceServiceStatus } from "./status.js";
import { CONDITION_SIZED } from "../../apis/optimizer.js";
import { DEFAULT_INFERENCE_SERVICE_SETTINGS, type InferenceServiceSettings } from "./settings.js";

const key = (svc: InferenceService): string => `${svc.metadata.namespace ?? ""}/${svc.metadata.name ?? ""}`;

/**
 * The InferenceServices another object's change concerns: those naming a GPUPool or TokenCache
 * (so one created later lets them go on), and the one whose label a pod carries (its pods are
 * owned by ReplicaSets or the ModelInfer, not by it).
 */
function concerned(obj: KubeObject, view: ClusterReader): string[] {
  const ns = obj.metadata?.namespace ?? "";
  const name = obj.metadata?.name ?? "";
  if (isKind(obj, POD)) {
    const owner = obj.metadata?.labels?.[LABEL_INFERENCE_SERVICE];
    return owner ? [`${ns}/${owner}`] : [];
  }
  const services = (): readonly InferenceService[] => view.list(InferenceServiceKind, ns || undefined);
  if (isKind(obj, GPUPoolKind))
    return services()
      .filter((s) => s.spec.gpu?.pool === name)
      .map(key);
  if (isKind(obj, TokenCacheKind))
    return services()
      .filter((s) => s.spec.cache?.tokenCacheRef === name)
      .map(key);
  return [];
}

/** The Inference Operator's InferenceService (DESIGN.md §12, issue 14) on the shared runtime, for the chart's settings. */
export function inferenceServiceReconcilerFor(
  settings: InferenceServiceSettings,
): Reconciler<InferenceService, InferenceServiceStatus> {
  return {
    name: "inferenceservice",
    kind: InferenceServiceKind,
    owns: [DEPLOYMENT, ModelInferKind, SERVICE, HORIZONTAL_POD_AUTOSCALER, ScaledObjectKind],
    mapToPrimaries: concerned,
    keepsConditions: [CONDITION_SIZED],
    references,
    desired: (svc, view, _now, lookups) => inferenceServiceDesired(svc, view, lookups, settings),
    status: (svc, view, now, lookups) => inferenceServiceStatus(svc, view, now, lookups, settings),
  };
}

/** With the default settings (no scheduler of inferplane's own: multi-node replicas go to Volcano). */
export const inferenceServiceReconciler = inferenceServiceReconcilerFor(DEFAULT_INFERENCE_SERVICE_SETTINGS);
