import type { ServerAllocation, Solution } from "../solution.js";
import type { SystemSpec } from "../spec.js";
import { selectorFor, type NodeSelectors } from "./capacity.js";
import type { ManagedServer } from "./collect.js";
import * as L from "./labels.js";

/** One Deployment's change: a merge patch and the Event that tells its owner why. */
export interface DeploymentChange {
  namespace: string;
  deployment: string;
  patch: {
    metadata: { labels: Record<string, string> };
    spec?: { replicas: number; template: { spec: { nodeSelector: Record<string, string> } } };
  };
  /** Set when the allocation changed or needs attention; a cycle that only refreshes load labels stays quiet. */
  event?: { type: "Normal" | "Warning"; reason: string; message: string };
}

function unallocatedChange(solution: Solution, s: ManagedServer, labels: Record<string, string>): DeploymentChange {
  const reason = solution.unallocated.find((u) => u.server === s.server)?.reason ?? "no allocation";
  return {
    namespace: s.namespace,
    deployment: s.deployment,
    patch: { metadata: { labels } },
    event: {
      type: "Warning",
      reason: "NotAllocated",
      message: `optimizer could not allocate ${s.server}: ${reason}; replicas left at ${s.replicas}`,
    },
  };
}

function allocationEvent(s: ManagedServer, allocation: ServerAllocation, rpm: number): DeploymentChange["event"] {
  const from = `${s.accelerator ?? "none"}×${s.replicas}`;
  const to = `${allocation.accelerator}×${allocation.replicas}`;
  if (from === to && s.maxBatch === allocation.batchSize && !allocation.saturated) return undefined;
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
 * What the solution asks of each managed Deployment: replicas, allocation and load labels, and a
 * node selector for the chosen accelerator. A server left unallocated keeps its replicas and gets
 * a Warning. Pure: computed in full before anything is written.
 */
export function planChanges(
  solution: Solution,
  system: SystemSpec,
  servers: readonly ManagedServer[],
  selectors: NodeSelectors,
): DeploymentChange[] {
  const byServer = new Map(solution.allocations.map((a) => [a.server.name, a]));
  const specs = new Map(system.servers.map((s) => [s.name, s]));
  return servers.flatMap((s) => {
    const spec = specs.get(s.server);
    if (!spec) return [];
    const labels = {
      [L.LOAD_RPM]: L.numberLabel(spec.load.arrivalRate),
      [L.LOAD_TOKENS]: L.numberLabel(spec.load.avgOutTokens),
    };
    const allocation = byServer.get(s.server);
    if (!allocation) return [unallocatedChange(solution, s, labels)];
    const type = system.accelerators.get(allocation.accelerator)?.type ?? allocation.accelerator;
    return [
      {
        namespace: s.namespace,
        deployment: s.deployment,
        patch: {
          metadata: {
            labels: { ...labels, [L.ACCELERATOR]: allocation.accelerator, [L.MAX_BATCH]: String(allocation.batchSize) },
          },
          spec: {
            replicas: allocation.replicas,
            template: { spec: { nodeSelector: { ...selectorFor(selectors, type) } } },
          },
        },
        event: allocationEvent(s, allocation, spec.load.arrivalRate),
      },
    ];
  });
}
