import { INFERENCE_CACHE, PDD, PD_ROLE, SPECULATIVE_DECODING } from "../../src/apis/production-stack.js";

/** How a pod asks for GPU sharing, caches and engine features (the controller sets the same). */
export const GPU_POOL = "inference.ai/gpu-pool";
export const GPU_SHARING = "inference.ai/gpu-sharing";
export const MIG_PROFILE = "inference.ai/mig-profile";
export const GPU_COUNT = "inference.ai/gpu-count";
export const TOKEN_CACHE = "inference.ai/token-cache";
export const BACKEND = "inference.ai/backend";
export const ENGINE_CONTAINER = "inference.ai/engine-container";
export { INFERENCE_CACHE, PDD, PD_ROLE, SPECULATIVE_DECODING };

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
