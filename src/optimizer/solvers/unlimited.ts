import type { ServerCandidates } from "../candidates.js";
import { allocationFrom, type ServerAllocation, type Unallocated } from "../solution.js";

/** Capacity is no limit: every server takes its cheapest candidate (the objective is separable). */
export function solveUnlimited(servers: readonly ServerCandidates[]): {
  allocations: ServerAllocation[];
  unallocated: Unallocated[];
} {
  const allocations: ServerAllocation[] = [];
  const unallocated: Unallocated[] = [];
  for (const { server, candidates } of servers) {
    const best = candidates[0];
    if (best) allocations.push(allocationFrom(server, best));
    else unallocated.push({ server: server.name, reason: "no accelerator meets its SLOs" });
  }
  return { allocations, unallocated };
}
