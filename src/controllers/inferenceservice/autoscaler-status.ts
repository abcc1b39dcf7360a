import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import type { InferenceService } from "../../apis/inference-ai.js";
import { HORIZONTAL_POD_AUTOSCALER } from "../../kube/core-kinds.js";
import { ScaledObjectKind } from "../../keda/scaled-object.js";
import type { Condition } from "../runtime/conditions.js";
import type { Lookups } from "../runtime/reconciler.js";
import { autoscalerKind } from "./autoscaler.js";
import { kedaInstalled } from "./dependencies.js";

type Cond = (type: string, ok: boolean | "Unknown", reason: string, message: string) => Condition;

/** The autoscaler object made for the service, if any. */
export function autoscalerRef(
  svc: InferenceService,
  lookups: Lookups | undefined,
): { kind: string; name: string } | undefined {
  const keda = kedaInstalled(lookups);
  const kind = autoscalerKind(svc, keda === true);
  if (!kind || (kind === "ScaledObject" && keda === false)) return undefined;
  return { kind, name: svc.metadata.name ?? "" };
}

function hpaCondition(svc: InferenceService, view: ClusterReader, cond: Cond): Condition {
  const hpa = view.get(HORIZONTAL_POD_AUTOSCALER, svc.metadata.namespace ?? "default", svc.metadata.name ?? "");
  const active = hpa?.status?.conditions?.find((c) => c.type === "ScalingActive");
  if (!active)
    return cond("AutoscalerReady", "Unknown", "HPAPending", "the HorizontalPodAutoscaler reports nothing yet");
  return cond(
    "AutoscalerReady",
    active.status === "True",
    active.reason ?? "ScalingActive",
    `HorizontalPodAutoscaler: ${active.message ?? active.reason ?? ""}`,
  );
}

function kedaCondition(svc: InferenceService, view: ClusterReader, cond: Cond): Condition {
  const so = view.get(ScaledObjectKind, svc.metadata.namespace ?? "default", svc.metadata.name ?? "");
  const ready = so?.status?.conditions?.find((c) => c.type === "Ready");
  if (!ready) return cond("AutoscalerReady", "Unknown", "ScaledObjectPending", "the ScaledObject reports nothing yet");
  return cond(
    "AutoscalerReady",
    ready.status === "True",
    ready.reason ?? "ScaledObjectReady",
    `ScaledObject: ${ready.message ?? ready.reason ?? ""}`,
  );
}

/** AutoscalerReady: from the HPA's ScalingActive or the ScaledObject's Ready, or why there is none. */
export function autoscalerCondition(
  svc: InferenceService,
  view: ClusterReader,
  lookups: Lookups | undefined,
  cond: Cond,
): Condition {
  const scaling = svc.spec.autoscaling;
  if (scaling?.strategy === "optimizer")
    return cond("AutoscalerReady", true, "OptimizerOwned", "replicas are set by inferplane's optimizer loop");
  const keda = kedaInstalled(lookups);
  const kind = autoscalerKind(svc, keda === true);
  if (!kind) return cond("AutoscalerReady", true, "NotConfigured", "no autoscaling; spec.replicas is kept");
  if (kind === "ScaledObject" && keda === false)
    return cond("AutoscalerReady", false, "KEDANotInstalled", "strategy keda needs KEDA's scaledobjects.keda.sh CRD");
  return kind === "ScaledObject" ? kedaCondition(svc, view, cond) : hpaCondition(svc, view, cond);
}
