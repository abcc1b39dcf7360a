/**
 * The vLLM production-stack's API (`production-stack.vllm.ai/v1alpha1`, seeds 001 and 003;
 * DESIGN.md §13): InferenceService, InferenceCache, SpeculativeDecoding and
 * PrefillDecodingDisaggregation, generated from their CRDs in crds/.
 */
export {
  InferenceServiceKind as StackInferenceServiceKind,
  type InferenceService as StackInferenceService,
  type InferenceServiceSpec as StackInferenceServiceSpec,
  type InferenceServiceStatus as StackInferenceServiceStatus,
} from "./generated/inferenceservices.production-stack.vllm.ai.js";
export {
  InferenceCacheKind,
  type InferenceCache,
  type InferenceCacheSpec,
  type InferenceCacheStatus,
} from "./generated/inferencecaches.production-stack.vllm.ai.js";
export {
  SpeculativeDecodingKind,
  type SpeculativeDecoding,
  type SpeculativeDecodingSpec,
  type SpeculativeDecodingStatus,
} from "./generated/speculativedecodings.production-stack.vllm.ai.js";
export {
  PrefillDecodingDisaggregationKind,
  type PrefillDecodingDisaggregation,
  type PrefillDecodingDisaggregationSpec,
  type PrefillDecodingDisaggregationStatus,
} from "./generated/prefilldecodingdisaggregations.production-stack.vllm.ai.js";

export const PRODUCTION_STACK_GROUP = "production-stack.vllm.ai";

/** Which side of prefill/decode disaggregation a pod is. */
export type PdRole = "prefill" | "decode";
