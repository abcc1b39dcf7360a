/**
 * The Inference Operator's API (`inference.ai/v1alpha1`, seed 004; DESIGN.md §7, §12):
 * InferenceService, GPUPool and TokenCache, generated from their CRDs in crds/, and the webhooks'
 * opt-in label.
 */
import type { GPUPoolSpec } from "./generated/gpupools.inference.ai.js";
import type { InferenceServiceSpec, InferenceServiceStatus } from "./generated/inferenceservices.inference.ai.js";
import type { CacheTier } from "./generated/tokencaches.inference.ai.js";

export {
  GPUPoolKind,
  type GPUPool,
  type GPUPoolSpec,
  type GPUPoolStatus,
  type PoolNodeStatus,
  type Sharing,
} from "./generated/gpupools.inference.ai.js";
export {
  InferenceServiceKind,
  type AutoscalingSpec,
  type BackendConfig,
  type CacheSpec,
  type GpuAllocation,
  type GpuSpec,
  type InferenceService,
  type InferenceServiceSpec,
  type InferenceServiceStatus,
  type ModelSpec,
  type OptimizerSizing,
  type ScalingMetric,
  type ServiceLevelObjectives,
} from "./generated/inferenceservices.inference.ai.js";
export {
  TokenCacheKind,
  type CacheTier,
  type LocalConfig,
  type RedisConfig,
  type TierStatus,
  type TokenCache,
  type TokenCacheSpec,
  type TokenCacheStatus,
} from "./generated/tokencaches.inference.ai.js";

export const INFERENCE_GROUP = "inference.ai";

/** The webhooks' opt-in label: only Pods, StatefulSets and Deployments with it set to "true" are read. */
export const LABEL_MANAGED = "inference.ai/managed";

/** Inference engines: vLLM, SGLang, NVIDIA Triton Inference Server, NVIDIA TensorRT-LLM (`trtllm-serve`). */
export type Backend = NonNullable<InferenceServiceSpec["backend"]>;
/** How a GPUPool's nodes share GPUs. */
export type SharingMode = GPUPoolSpec["sharing"]["mode"];
/** GPU Operator's MIG strategy (ClusterPolicy `mig.strategy`, device plugin `flags.migStrategy`). */
export type MigStrategy = NonNullable<GPUPoolSpec["sharing"]["migStrategy"]>;
export type TierType = CacheTier["type"];

/** Where an InferenceService's weights come from (`spec.model.source`). */
export type ModelSource = NonNullable<InferenceServiceSpec["model"]["source"]>;
/** InferenceService phases (`status.phase`). */
export type InferenceServicePhase = NonNullable<NonNullable<InferenceServiceStatus["phase"]>>;
/** The label every pod, Service selector and workload of an InferenceService carries: its name. */
export const LABEL_INFERENCE_SERVICE = "inference.ai/inferenceservice";
