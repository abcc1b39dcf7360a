import { gpuPoolReconciler } from "./gpupool/reconciler.js";
import { DEFAULT_GPU_POOL_SETTINGS, type GpuPoolSettings } from "./gpupool/settings.js";
import { INFERENCE_CACHE_RECONCILER } from "./inferencecache/reconciler.js";
import { inferenceGatewayReconciler } from "./inferencegateway/reconciler.js";
import { inferenceServiceReconcilerFor } from "./inferenceservice/reconciler.js";
import { DEFAULT_INFERENCE_SERVICE_SETTINGS, type InferenceServiceSettings } from "./inferenceservice/settings.js";
import { modelInferReconciler } from "./modelinfer/reconciler.js";
import { pddReconciler } from "./pdd/reconciler.js";
import type { AnyReconciler } from "./runtime/reconciler.js";
import { stackServiceReconciler } from "./stackservice/reconciler.js";
import { STATIC_ROUTE_RECONCILER } from "./staticroute/reconciler.js";
import { tokenCacheReconciler } from "./tokencache/reconciler.js";
import { DEFAULT_TOKEN_CACHE_SETTINGS, type TokenCacheSettings } from "./tokencache/settings.js";

/** What the chart sets for the controllers (`serve` flags); `render` uses the defaults. */
export interface ControllerSettings {
  gpuPool: GpuPoolSettings;
  tokenCache: TokenCacheSettings;
  inferenceService: InferenceServiceSettings;
}

export const DEFAULT_CONTROLLER_SETTINGS: ControllerSettings = {
  gpuPool: DEFAULT_GPU_POOL_SETTINGS,
  tokenCache: DEFAULT_TOKEN_CACHE_SETTINGS,
  inferenceService: DEFAULT_INFERENCE_SERVICE_SETTINGS,
};

/** Every controller inferplane runs, in the order `render` tries them. A new controller registers here. */
export function reconcilers(settings: ControllerSettings = DEFAULT_CONTROLLER_SETTINGS): readonly AnyReconciler[] {
  return [
    modelInferReconciler,
    inferenceServiceReconcilerFor(settings.inferenceService),
    gpuPoolReconciler(settings.gpuPool),
    tokenCacheReconciler(settings.tokenCache),
    // Routing (production-stack.vllm.ai, DESIGN.md §13).
    inferenceGatewayReconciler,
    STATIC_ROUTE_RECONCILER,
    stackServiceReconciler,
    INFERENCE_CACHE_RECONCILER,
    pddReconciler,
  ];
}

/** The controllers with their default settings. */
export const RECONCILERS: readonly AnyReconciler[] = reconcilers();
