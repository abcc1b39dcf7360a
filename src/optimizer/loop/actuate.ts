import type { ServerAllocation, Solution } from "../solution.js";
import type { ServerSpec, SystemSpec } from "../spec.js";
import { selectorFor, type NodeSelectors } from "./capacity.js";
import { allocationText, type AllocationContext, type ChangeEvent, type WorkloadChange } from "./change.js";
import { notSizedChange, sizedChange } from "./sized.js";
import * as L from "./labels.js";
import type { SkippedWorkload, Workload } from "./workload.js";

function unallocatedReason(solution: Solution, w: Workload): string {
  return solution.unallocated.find((u) => u.server === w.server)?.reason ?? "no allocation";
}

function unallocatedDeployment(solution: Solution, w: Workload, labels: Record<string, string>): WorkloadChange {
  const message = `optimizer could not allocate ${w.server}: ${unallocatedReason(solution, w)}; replicas left at ${w.replicas}`;
  return {
    ref: w.ref,
    summary: `not allocated: ${unallocatedReason(solution, w)}`,
    patch: { body: { metadata: { labels } } },
    event: { type: "Warning", reason: "NotAllocated", message },
  };
}

function allocationEvent(w: Workload, allocation: ServerAllocation, rpm: number): ChangeEvent | undefined {
  const from = `${w.accelerator ?? "none"}×${w.replicas}`;
  const to = `${allocation.accelerator}×${allocation.replicas}`;
  if (from === to && w.maxBatch === allocation.batchSize && !allocation.saturated) return undefined;
  const message = `${from} → ${to}, batch ${allocation.batchSize}, ${allocation.cost.toFixed(2)} cents/hour at ${rpm.toFixed(1)} req/min`;
  return allocation.saturated
    ? {
        type: "Warning",
        reason: "Saturated",
        message: `${message} (fewer replicas than the SLOs need: capacity ran out)`,
      }
    : { type: "Normal", reason: "Optimized", message };
}

/**
 * inferno's actuation of a managed Deployment: replicas, allocation and load labels, and a node
 * selector for the chosen accelerator. Unallocated, it keeps its replicas and gets a Warning.
 */
function deploymentChange(ctx: AllocationContext, w: Workload, spec: ServerSpec): WorkloadChange {
  const labels = {
    [L.LOAD_RPM]: L.numberLabel(spec.load.arrivalRate),
    [L.LOAD_TOKENS]: L.numberLabel(spec.load.avgOutTokens),
  };
  const allocation = ctx.byServer.get(w.server);
  if (!allocation) return unallocatedDeployment(ctx.solution, w, labels);
  const type = ctx.system.accelerators.get(allocation.accelerator)?.type ?? allocation.accelerator;
  const change: WorkloadChange = {
    ref: w.ref,
    summary: allocationText(allocation, allocation.replicas, spec.load.arrivalRate),
    patch: {
      body: {
        metadata: {
          labels: { ...labels, [L.ACCELERATOR]: allocation.accelerator, [L.MAX_BATCH]: String(allocation.batchSize) },
        },
        spec: {
          replicas: allocation.replicas,
          template: { spec: { nodeSelector: { ...selectorFor(ctx.selectors, type) } } },
        },
      },
    },
  };
  const event = allocationEvent(w, allocation, spec.load.arrivalRate);
  if (event) change.event = event;
  return change;
}

/**
 * What the solution asks of each workload — Deployments as inferno patches them, ModelInfers
 * through their scale subresource, InferenceServices in their spec — and the Sized condition of
 * the custom resources, including those skipped (`NotSizable`). Pure: computed in full before
 * anything is written. `fallbacks` (server → why its load came from labels) goes into messages.
 */
export function planChanges(
  solution: Solution,
  system: SystemSpec,
  workloads: readonly Workload[],
  selectors: NodeSelectors,
  skipped: readonly SkippedWorkload[] = [],
  fallbacks: ReadonlyMap<string, string> = new Map(),
): WorkloadChange[] {
  const ctx: AllocationContext = {
    solution,
    system,
    selectors,
    fallbacks,
    byServer: new Map(solution.allocations.map((a) => [a.server.name, a])),
  };
  const specs = new Map(system.servers.map((s) => [s.name, s]));
  const changes = workloads.flatMap((w) => {
    const spec = specs.get(w.server);
    if (!spec) return [];
    return [w.ref.kind === "Deployment" ? deploymentChange(ctx, w, spec) : sizedChange(ctx, w, spec)];
  });
  const notSized = skipped.flatMap((s) => (s.ref.kind === "Deployment" ? [] : [notSizedChange(s)]));
  return [...changes, ...notSized];
}
