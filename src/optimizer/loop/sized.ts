import { CONDITION_SIZED, type SizedReason } from "../../apis/optimizer.js";
import type { PreviousCondition } from "../../kube/conditions.js";
import type { ServerAllocation } from "../solution.js";
import type { ServerSpec } from "../spec.js";
import { productOf } from "./collect.js";
import {
  allocationText,
  type AllocationContext,
  type ChangeEvent,
  type SizedNote,
  type WorkloadChange,
} from "./change.js";
import type { SkippedWorkload, Workload } from "./workload.js";

const WARNING_REASONS: ReadonlySet<SizedReason> = new Set(["Saturated", "MaxReplicas", "NotAllocated", "NotSizable"]);

function previousSized(conditions: readonly PreviousCondition[] | undefined): PreviousCondition | undefined {
  return conditions?.find((c) => c.type === CONDITION_SIZED);
}

/**
 * The condition to write (undefined when the object holds it already, message and all) and, on a
 * change of its status or reason, or of the allocation, the Event.
 */
function withSized(
  change: WorkloadChange,
  conditions: readonly PreviousCondition[] | undefined,
  note: SizedNote,
  from?: string,
): WorkloadChange {
  const before = previousSized(conditions);
  const transition = !before || before.status !== (note.status ? "True" : "False") || before.reason !== note.reason;
  if (transition || before.message !== note.message) change.sized = note;
  if (transition || from !== undefined) change.event = eventFor(note, from);
  return change;
}

/** The Event of a Sized note; `from` (the allocation before, when it changed) opens the message. */
function eventFor(note: SizedNote, from: string | undefined): ChangeEvent {
  return {
    type: WARNING_REASONS.has(note.reason) ? "Warning" : "Normal",
    reason: note.reason,
    message: from === undefined ? note.message : `${from} → ${note.message}`,
  };
}

/** What the patch asks of the object: replicas through the scale subresource (ModelInfer), or the spec (InferenceService). */
function patchFor(
  ctx: AllocationContext,
  w: Workload,
  allocation: ServerAllocation,
  replicas: number,
): WorkloadChange["patch"] {
  if (w.ref.kind === "ModelInfer") return { subresource: "scale", body: { spec: { replicas } } };
  const spec: Record<string, unknown> = { replicas };
  const acc = ctx.system.accelerators.get(allocation.accelerator);
  const product = acc ? productOf(acc, ctx.selectors) : undefined;
  // Only a service that offers a choice has its GPU type written; the others keep theirs.
  if (w.choice.from === "names" && product !== undefined && product !== w.product) spec.gpu = { type: product };
  return { body: { spec } };
}

function loadNote(ctx: AllocationContext, w: Workload): string {
  const fallback = ctx.fallbacks.get(w.server);
  return fallback === undefined ? "" : ` (load from its labels or annotations: ${fallback})`;
}

function noteFor(w: Workload, allocation: ServerAllocation, replicas: number, text: string): SizedNote {
  if (replicas < allocation.replicas)
    return {
      status: false,
      reason: "MaxReplicas",
      message: `${text}: its SLOs need ${allocation.replicas} replicas, capped at maxReplicas ${replicas}`,
    };
  if (allocation.saturated)
    return {
      status: false,
      reason: "Saturated",
      message: `${text}: fewer replicas than the SLOs need (capacity ran out)`,
    };
  return { status: true, reason: "Optimized", message: text };
}

/**
 * A ModelInfer's or InferenceService's change: its replicas (within maxReplicas) and, for a
 * service that offers accelerators, its GPU type; the Sized condition and, when the allocation
 * or the condition changes, an Event. Unallocated, it keeps its replicas and says why.
 */
export function sizedChange(ctx: AllocationContext, w: Workload, spec: ServerSpec): WorkloadChange {
  const allocation = ctx.byServer.get(w.server);
  if (!allocation) {
    const why = ctx.solution.unallocated.find((u) => u.server === w.server)?.reason ?? "no allocation";
    const message = `the optimizer could not allocate ${w.server}: ${why}; replicas left at ${w.replicas}`;
    return withSized({ ref: w.ref, summary: `not allocated: ${why}` }, w.conditions, {
      status: false,
      reason: "NotAllocated",
      message,
    });
  }
  const replicas = Math.min(allocation.replicas, w.maxReplicas ?? Infinity);
  const summary = allocationText(allocation, replicas, spec.load.arrivalRate);
  const text = summary + loadNote(ctx, w);
  const change: WorkloadChange = { ref: w.ref, summary, patch: patchFor(ctx, w, allocation, replicas) };
  const from = `${spec.current?.accelerator ?? "none"}×${w.replicas}`;
  const changed = from !== `${allocation.accelerator}×${replicas}`;
  return withSized(change, w.conditions, noteFor(w, allocation, replicas, text), changed ? from : undefined);
}

/** A custom resource the cycle could not size: Sized False, NotSizable, and why. */
export function notSizedChange(s: SkippedWorkload): WorkloadChange {
  return withSized({ ref: s.ref, summary: `not sizable: ${s.reason}` }, s.conditions, {
    status: false,
    reason: "NotSizable",
    message: s.reason,
  });
}
