/**
 * What inferplane's optimizer loop writes on the custom resources it sizes (ModelInfer, and
 * InferenceService with `spec.autoscaling.strategy: optimizer`; documented in their CRDs): one
 * status condition. The loop owns it; the controllers of those kinds copy it forward
 * (`Reconciler.keepsConditions`), so their own status writes never erase it.
 */

/** Condition type: True when the loop sized the object to its SLOs; False says why not. */
export const CONDITION_SIZED = "Sized";

/**
 * Its reasons. True: `Optimized`. False: `Saturated` (fewer replicas than the SLOs need: capacity
 * ran out), `MaxReplicas` (capped at spec.autoscaling.maxReplicas), `NotAllocated` (no allocation;
 * replicas kept), `NotSizable` (the optimizer's data or the object lacks what sizing needs).
 */
export type SizedReason = "Optimized" | "Saturated" | "MaxReplicas" | "NotAllocated" | "NotSizable";
