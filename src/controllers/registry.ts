import { INFERENCE_CACHE_RECONCILER } from "./inferencecache/reconciler.js";
import { inferenceGatewayReconciler } from "./inferencegateway/reconciler.js";
import { inferenceServiceReconciler } from "./inferenceservice/reconciler.js";
import { modelInferReconciler } from "./modelinfer/reconciler.js";
import { pddReconciler } from "./pdd/reconciler.js";
import type { AnyReconciler } from "./runtime/reconciler.js";
import { stackServiceReconciler } from "./stackservice/reconciler.js";
import { STATIC_ROUTE_RECONCILER } from "./staticroute/reconciler.js";

/** Every controller inferplane runs, in the order `render` tries them. A new controller registers here. */
export const RECONCILERS: readonly AnyReconciler[] = [
  modelInferReconciler,
  inferenceServiceReconciler,
  // Routing (production-stack.vllm.ai, DESIGN.md §13).
  inferenceGatewayReconciler,
  STATIC_ROUTE_RECONCILER,
  stackServiceReconciler,
  INFERENCE_CACHE_RECONCILER,
  pddReconciler,
];
