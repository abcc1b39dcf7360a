/**
 * The vLLM production-stack's API (`production-stack.vllm.ai/v1alpha1`, seeds 001 and 003;
 * DESIGN.md §13): InferenceService, InferenceCache, SpeculativeDecoding,
 * PrefillDecodingDisaggregation, InferenceGateway and StaticRoute, generated from their CRDs in crds/.
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

export {
  InferenceGatewayKind,
  type InferenceGateway,
  type InferenceGatewaySpec,
  type InferenceGatewayStatus,
  type GatewayRoute,
  type GatewayRouteStatus,
} from "./generated/inferencegateways.production-stack.vllm.ai.js";
export {
  StaticRouteKind,
  type StaticRoute,
  type StaticRouteSpec,
  type StaticRouteStatus,
  type HealthCheck,
  type RouterRef,
  type BackendStatus,
} from "./generated/staticroutes.production-stack.vllm.ai.js";

export const PRODUCTION_STACK_GROUP = "production-stack.vllm.ai";

/** Pod annotations naming the production-stack objects a pod uses (read by the webhooks and the controllers). */
export const PDD = "production-stack.vllm.ai/pdd";
export const PD_ROLE = "production-stack.vllm.ai/pd-role";
export const SPECULATIVE_DECODING = "production-stack.vllm.ai/speculative-decoding";
export const INFERENCE_CACHE = "production-stack.vllm.ai/inference-cache";

/** Which side of prefill/decode disaggregation a pod is. */
export type PdRole = "prefill" | "decode";
