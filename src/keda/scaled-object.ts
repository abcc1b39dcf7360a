/**
 * KEDA's ScaledObject (`keda.sh/v1alpha1`, KEDA 2.12+), the fields inferplane writes: a scale
 * target, replica bounds, HPA behavior and Prometheus triggers. Source: KEDA's CRD and the
 * prometheus scaler's docs (keda.sh/docs/2.x/scalers/prometheus) — `threshold` is a string, and
 * `metricName` was removed in 2.12. Tests check every object against KEDA's published schema
 * (@kubernetes-models/keda).
 */
import type { HorizontalPodAutoscalerBehavior } from "kubernetes-types/autoscaling/v2.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import { defineKind } from "../kube/kind.js";

/** One trigger of type prometheus: the query must return one element; threshold is per replica (AverageValue). */
export interface PrometheusTrigger {
  type: "prometheus";
  /** `Value` or `AverageValue` (default: threshold per replica). */
  metricType?: "AverageValue" | "Value";
  metadata: {
    serverAddress: string;
    query: string;
    /** A number written as a string, e.g. "80" or "0.5". */
    threshold: string;
  };
}

export interface ScaledObject {
  apiVersion: "keda.sh/v1alpha1";
  kind: "ScaledObject";
  metadata: ObjectMeta;
  spec: {
    scaleTargetRef: { apiVersion?: string; kind?: string; name: string };
    /** Default 0 in KEDA: scale to zero. */
    minReplicaCount?: number;
    maxReplicaCount?: number;
    /** Seconds between trigger checks; default 30. */
    pollingInterval?: number;
    advanced?: { horizontalPodAutoscalerConfig?: { behavior?: HorizontalPodAutoscalerBehavior } };
    triggers: PrometheusTrigger[];
  };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

export const ScaledObjectKind = defineKind<ScaledObject>({
  group: "keda.sh",
  version: "v1alpha1",
  kind: "ScaledObject",
  plural: "scaledobjects",
  namespaced: true,
});

/** The CRD whose presence means KEDA is installed. */
export const SCALED_OBJECT_CRD = `${ScaledObjectKind.plural}.${ScaledObjectKind.group}`;
