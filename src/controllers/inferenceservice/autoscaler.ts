import type {
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerBehavior,
  MetricSpec,
} from "kubernetes-types/autoscaling/v2.js";
import type { AutoscalingSpec, InferenceService, ScalingMetric } from "../../apis/inference-ai.js";
import type { KubeObject } from "../../kube/object.js";
import type { PrometheusTrigger, ScaledObject } from "../../keda/scaled-object.js";
import { childMetadata } from "./owner.js";
import { workloadRef } from "./workload.js";

/** KEDA's Prometheus when the spec names none: Prometheus Operator's governing Service in `monitoring`. */
export const DEFAULT_PROMETHEUS = "http://prometheus-operated.monitoring.svc:9090";

/**
 * Per-pod series the chart's PrometheusRule records (charts/inferplane/templates/prometheusrule.yaml),
 * each labelled namespace, pod and inferenceservice, and the names prometheus-adapter serves them
 * under in the custom metrics API (charts/inferplane/templates/prometheus-adapter-rules.yaml).
 */
export const SERIES: Readonly<Record<ScalingMetric["type"], { recorded: string; adapter: string }>> = {
  "gpu-utilization": { recorded: "inference:pod_gpu_utilization", adapter: "inference_gpu_utilization" },
  "queue-depth": { recorded: "inference:pod_queue_depth", adapter: "inference_queue_depth" },
  latency: { recorded: "inference:pod_request_latency_p95_seconds", adapter: "inference_request_latency_seconds" },
};

/** The autoscaler object the spec asks for; `optimizer` and no autoscaling ask for none. */
export type AutoscalerKind = "HorizontalPodAutoscaler" | "ScaledObject" | undefined;

/** `auto` is KEDA when its CRD is installed (`kedaInstalled`), else an HPA. */
export function autoscalerKind(svc: InferenceService, kedaInstalled: boolean): AutoscalerKind {
  const scaling = svc.spec.autoscaling;
  if (!scaling || (scaling.metrics ?? []).length === 0) return undefined;
  const strategy = scaling.strategy ?? "auto";
  if (strategy === "optimizer") return undefined;
  if (strategy === "keda" || (strategy === "auto" && kedaInstalled)) return "ScaledObject";
  return "HorizontalPodAutoscaler";
}

function behavior(scaling: AutoscalingSpec): HorizontalPodAutoscalerBehavior | undefined {
  const b: HorizontalPodAutoscalerBehavior = {};
  if (scaling.scaleUpStabilizationSeconds !== undefined)
    b.scaleUp = { stabilizationWindowSeconds: scaling.scaleUpStabilizationSeconds };
  if (scaling.scaleDownStabilizationSeconds !== undefined)
    b.scaleDown = { stabilizationWindowSeconds: scaling.scaleDownStabilizationSeconds };
  return b.scaleUp || b.scaleDown ? b : undefined;
}

/** The per-replica target as a quantity in the series' unit: latency's milliseconds become seconds (`500m`). */
function targetQuantity(metric: ScalingMetric): string {
  return metric.type === "latency" ? `${metric.target}m` : String(metric.target);
}

/** autoscaling/v2: a Pods metric per spec metric, averaged over the workload's pods. */
export function horizontalPodAutoscaler(svc: InferenceService): HorizontalPodAutoscaler & KubeObject {
  const scaling = svc.spec.autoscaling ?? {};
  const metrics: MetricSpec[] = (scaling.metrics ?? []).map((m) => ({
    type: "Pods",
    pods: {
      metric: { name: SERIES[m.type].adapter },
      target: { type: "AverageValue", averageValue: targetQuantity(m) },
    },
  }));
  const spec: NonNullable<HorizontalPodAutoscaler["spec"]> = {
    scaleTargetRef: workloadRef(svc),
    minReplicas: scaling.minReplicas ?? 1,
    maxReplicas: scaling.maxReplicas ?? 1,
    metrics,
  };
  const b = behavior(scaling);
  if (b) spec.behavior = b;
  return { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: childMetadata(svc), spec };
}

/** The PromQL a KEDA trigger runs: one number for the whole service. */
function triggerQuery(svc: InferenceService, metric: ScalingMetric): string {
  const selector = `{namespace="${svc.metadata.namespace ?? "default"}",inferenceservice="${svc.metadata.name ?? ""}"}`;
  const series = SERIES[metric.type].recorded;
  return metric.type === "latency" ? `max(${series}${selector})` : `sum(${series}${selector})`;
}

/**
 * KEDA: one prometheus trigger per metric. Utilization and queue depth are summed over the pods and
 * compared per replica (AverageValue); latency, a p95, is compared as it is (Value), in seconds.
 */
export function scaledObject(svc: InferenceService): ScaledObject {
  const scaling = svc.spec.autoscaling ?? {};
  const serverAddress = scaling.prometheusAddress ?? DEFAULT_PROMETHEUS;
  const triggers: PrometheusTrigger[] = (scaling.metrics ?? []).map((m) => ({
    type: "prometheus",
    metricType: m.type === "latency" ? "Value" : "AverageValue",
    metadata: {
      serverAddress,
      query: triggerQuery(svc, m),
      threshold: m.type === "latency" ? String(m.target / 1000) : String(m.target),
    },
  }));
  const spec: ScaledObject["spec"] = {
    scaleTargetRef: workloadRef(svc),
    minReplicaCount: scaling.minReplicas ?? 1,
    maxReplicaCount: scaling.maxReplicas ?? 1,
    triggers,
  };
  const b = behavior(scaling);
  if (b) spec.advanced = { horizontalPodAutoscalerConfig: { behavior: b } };
  return { apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", metadata: childMetadata(svc), spec };
}
