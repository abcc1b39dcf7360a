import type { SizedReason } from "../../apis/optimizer.js";
import type { ServerAllocation, Solution } from "../solution.js";
import type { SystemSpec } from "../spec.js";
import type { NodeSelectors } from "./capacity.js";
import type { WorkloadRef } from "./workload.js";

export interface ChangeEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

/** The Sized condition the loop writes on a ModelInfer or InferenceService (its time is set when written). */
export interface SizedNote {
  status: boolean;
  reason: SizedReason;
  message: string;
}

/**
 * One object's change, computed in full before anything is written: the merge patch the loop
 * sends (to the object, or to its scale subresource), the Sized condition (ModelInfer,
 * InferenceService) and the Event that tells its owner why. `summary` says it in one line.
 */
export interface WorkloadChange {
  ref: WorkloadRef;
  summary: string;
  patch?: { subresource?: "scale"; body: Record<string, unknown> };
  sized?: SizedNote;
  /** Set when the allocation changed or needs attention; a cycle that only refreshes the load stays quiet. */
  event?: ChangeEvent;
}

/** `A100×3, batch 64, 123.00 cents/hour at 240.0 req/min`, for `replicas` of the allocation's accelerator. */
export function allocationText(allocation: ServerAllocation, replicas: number, rpm: number): string {
  const cost = allocation.replicas > 0 ? (allocation.cost * replicas) / allocation.replicas : allocation.cost;
  return `${allocation.accelerator}×${replicas}, batch ${allocation.batchSize}, ${cost.toFixed(2)} cents/hour at ${rpm.toFixed(1)} req/min`;
}

/** What planning one change reads: the solution and the system it solved. */
export interface AllocationContext {
  solution: Solution;
  system: SystemSpec;
  selectors: NodeSelectors;
  /** Server → why its load came from labels or annotations. */
  fallbacks: ReadonlyMap<string, string>;
  byServer: ReadonlyMap<string, ServerAllocation>;
}
