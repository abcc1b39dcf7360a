import { modelInferReconciler } from "./modelinfer/reconciler.js";
import type { AnyReconciler } from "./runtime/reconciler.js";

/** Every controller inferplane runs, in the order `render` tries them. A new controller registers here. */
export const RECONCILERS: readonly AnyReconciler[] = [modelInferReconciler];
