import type { Affinity, ResourceRequirements } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "../cluster-view/object-store.js";

/** The Inference Operator's API group and the vLLM production-stack's. */
export const INFERENCE_GROUP = "inference.ai";
export const PRODUCTION_STACK_GROUP = "production-stack.vllm.ai";
export const GPU_API_VERSION = "v1alpha1";

export type Backend = "vllm" | "sglang" | "triton" | "tensorrt-llm";
export type SharingMode = "exclusive" | "mig" | "mps" | "timeslice";
export type MigStrategy = "mixed" | "single";
export type PdRole = "prefill" | "decode";

interface Resource<Spec> extends KubeObject {
  metadata: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
    labels?: Record<string, string>;
  };
  spec: Spec;
}

export type InferenceService = Resource<{
  model: { name: string; source?: string };
  backend?: Backend;
  replicas?: number;
  gpu?: { type?: string; count?: number; sharing?: SharingMode; migProfile?: string };
  cache?: { enabled?: boolean; strategy?: string; prefixCacheSize?: string | number; tokenCacheRef?: string };
  autoscaling?: { minReplicas?: number; maxReplicas?: number; metrics?: { type: string; target?: number }[] };
}>;

export type GPUPool = Resource<{
  nodeSelector?: Record<string, string>;
  gpuProduct?: string;
  sharing: {
    mode: SharingMode;
    migStrategy?: MigStrategy;
    profiles?: { name: string; count?: number }[];
    mps?: { threadPercentage?: number; pinnedMemoryLimit?: string | number };
    renameSharedResource?: boolean;
  };
  oversubscription?: { enabled?: boolean; ratio?: string | number };
}>;

export type TierType = "prefix" | "local" | "redis";

export interface CacheTier {
  name: string;
  type: TierType;
  size?: string | number;
  ttl?: string;
  replicas?: number;
  host?: string;
}

export type TokenCache = Resource<{
  tiers: CacheTier[];
  evictionPolicy?: string;
  warmup?: { enabled?: boolean; commonPrefixes?: string[] };
}>;

export type StackInferenceService = Resource<{
  modelName: string;
  backendRef?: unknown;
  inferenceCacheRef?: string;
  prefillDecodingRef?: { name: string; apiGroup?: string; kind?: string };
  nlpFilters?: Record<string, unknown>;
}>;

export type InferenceCache = Resource<{
  modelName?: string;
  kvCacheTransferPolicy?: { thresholdHitRate?: number; evictionThreshold?: number };
  pddRef?: string;
  sdRef?: string;
}>;

export type SpeculativeDecoding = Resource<{
  draftModel: string;
  targetModel: string;
  numSpeculativeTokens?: number;
  method?: string;
}>;

export type PrefillDecodingDisaggregation = Resource<{
  modelName: string;
  engine?: "vllm" | "sglang";
  engineConfig?: Record<string, string>;
  topologyHint?: { nodeSelector?: Record<string, string>; affinity?: Affinity };
  prefillResources?: ResourceRequirements;
  decodeResources?: ResourceRequirements;
}>;

/** The kinds the cluster view keeps for GPU sharing and caches, keyed as `group/version/Kind`. */
export const GPU_KINDS = {
  gpuPool: { group: INFERENCE_GROUP, kind: "GPUPool", plural: "gpupools" },
  tokenCache: { group: INFERENCE_GROUP, kind: "TokenCache", plural: "tokencaches" },
  inferenceService: { group: INFERENCE_GROUP, kind: "InferenceService", plural: "inferenceservices" },
  stackInferenceService: { group: PRODUCTION_STACK_GROUP, kind: "InferenceService", plural: "inferenceservices" },
  inferenceCache: { group: PRODUCTION_STACK_GROUP, kind: "InferenceCache", plural: "inferencecaches" },
  speculativeDecoding: { group: PRODUCTION_STACK_GROUP, kind: "SpeculativeDecoding", plural: "speculativedecodings" },
  pdd: {
    group: PRODUCTION_STACK_GROUP,
    kind: "PrefillDecodingDisaggregation",
    plural: "prefilldecodingdisaggregations",
  },
} as const;

export type GpuKindName = keyof typeof GPU_KINDS;

export function gpuKindOf(obj: KubeObject): GpuKindName | undefined {
  for (const [name, k] of Object.entries(GPU_KINDS) as [GpuKindName, (typeof GPU_KINDS)[GpuKindName]][]) {
    if (obj.apiVersion === `${k.group}/${GPU_API_VERSION}` && obj.kind === k.kind) return name;
  }
  return undefined;
}
