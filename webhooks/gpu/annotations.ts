/** How a pod asks for GPU sharing, caches and engine features (the controller sets the same). */
export const GPU_POOL = "inference.ai/gpu-pool";
export const GPU_SHARING = "inference.ai/gpu-sharing";
export const MIG_PROFILE = "inference.ai/mig-profile";
export const GPU_COUNT = "inference.ai/gpu-count";
export const TOKEN_CACHE = "inference.ai/token-cache";
export const BACKEND = "inference.ai/backend";
export const ENGINE_CONTAINER = "inference.ai/engine-container";
export const PDD = "production-stack.vllm.ai/pdd";
export const PD_ROLE = "production-stack.vllm.ai/pd-role";
export const SPECULATIVE_DECODING = "production-stack.vllm.ai/speculative-decoding";
export const INFERENCE_CACHE = "production-stack.vllm.ai/inference-cache";

export const GPU_ANNOTATIONS = [
  GPU_POOL,
  GPU_SHARING,
  MIG_PROFILE,
  GPU_COUNT,
  TOKEN_CACHE,
  BACKEND,
  ENGINE_CONTAINER,
  PDD,
  PD_ROLE,
  SPECULATIVE_DECODING,
  INFERENCE_CACHE,
] as const;

/** A pod asks for something when it carries any of the annotations. */
export function asksForGpuFeatures(annotations: Record<string, string> | undefined): boolean {
  return GPU_ANNOTATIONS.some((a) => annotations?.[a] !== undefined);
}
