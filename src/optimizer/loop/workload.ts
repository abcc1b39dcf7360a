import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { InferenceService } from "../../apis/inference-ai.js";
import { InferenceServiceKind } from "../../apis/inference-ai.js";
import { ModelInferKind, type ModelInfer } from "../../apis/matrixinfer.js";
import type { LoadSeries } from "../../engines/index.js";
import type { PreviousCondition } from "../../kube/conditions.js";
import { DEPLOYMENT } from "../../kube/core-kinds.js";
import type { KindRef } from "../../kube/kind.js";
import type { Target } from "../spec.js";

/** The kinds the control loop sizes. */
export type WorkloadKind = "Deployment" | "ModelInfer" | "InferenceService";

export const WORKLOAD_KINDS: Readonly<Record<WorkloadKind, KindRef>> = {
  Deployment: DEPLOYMENT,
  ModelInfer: ModelInferKind,
  InferenceService: InferenceServiceKind,
};

/** The object a workload is: what its patch, its Event and its Sized condition name. */
export interface WorkloadRef {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  uid?: string;
}

/** `Kind namespace/name`. */
export function describeRef(ref: WorkloadRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`;
}

/**
 * Where the engine's series of a workload's pods are: pods whose names follow a pattern (a
 * Deployment's `<name>-<hash>-<suffix>`), or pods with labels, listed each cycle.
 */
export type PodSource = { namePattern: string } | { labelSelector: string };

/**
 * The accelerators a workload may be sized on: any (a Deployment: a node selector follows the
 * choice), a list of names (chosen among, or the one a ModelInfer's label names), or those whose
 * GPU product (their node selector's nvidia.com/gpu.product) is the one the workload runs on.
 */
export type AcceleratorChoice =
  { from: "any" } | { from: "names"; names: readonly string[] } | { from: "product"; product: string };

/** One object the loop sizes, as the optimizer sees it: a server of inferno's, and where it lives. */
export interface Workload {
  ref: WorkloadRef;
  /** inferno's server name: unique across the cycle. */
  server: string;
  model: string;
  serviceClass: string;
  /** The object's own SLOs (ms; tokens/s for tps), each replacing its class's target; empty: the class's. */
  slo: Partial<Target>;
  replicas: number;
  /** The accelerator it runs on, when a label says (a Deployment's allocation label); else resolved from `product`. */
  accelerator: string | undefined;
  /** The GPU product it runs on (an InferenceService's spec.gpu.type), when known. */
  product: string | undefined;
  choice: AcceleratorChoice;
  /** Batch size of the current allocation (a Deployment's label), 0 when unknown. */
  maxBatch: number;
  /** The engine's configured batch size, which sizing then uses (spec.backendConfig.maxBatchSize); 0: from the data. */
  batchOverride: number;
  minReplicas: number;
  maxReplicas: number | undefined;
  /** The load its labels or annotations carry, used when Prometheus has none. */
  labelLoad: { rpm: number; tokens: number };
  pods: PodSource;
  /** Its engine's load counters; undefined when the engine exports none (TensorRT-LLM): the labels' load then. */
  series?: LoadSeries;
  /** Its status conditions as read (ModelInfer, InferenceService): the Sized condition it had. */
  conditions?: readonly PreviousCondition[];
}

/** A sizable object the loop cannot size this cycle, and why. */
export interface SkippedWorkload {
  ref: WorkloadRef;
  reason: string;
  conditions?: readonly PreviousCondition[];
}

/** What the loop lists each cycle: the objects that opted in to sizing. */
export interface SizableObjects {
  deployments: readonly Deployment[];
  modelInfers: readonly ModelInfer[];
  inferenceServices: readonly InferenceService[];
}

/** A count or 0..∞ number from a label or annotation; `fallback` when absent or not a non-negative number. */
export function numberOr(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && value !== "" && Number.isFinite(n) && n >= 0 ? n : fallback;
}
