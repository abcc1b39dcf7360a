import type { Solution } from "./solution.js";

/** inferno's solution-data.json: allocations keyed by server name (plus `mix` for a heterogeneous server). */
export interface SolutionData {
  allocations: Record<string, Record<string, unknown>>;
}

function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(8)) : 0;
}

export function toSolutionData(solution: Solution): SolutionData {
  const latencyKey = solution.version === "v1" ? "waitAverage" : "ttftAverage";
  // Entries, not assignment: a server named __proto__ must become a key, not the object's prototype.
  const allocations: [string, Record<string, unknown>][] = [];
  for (const a of solution.allocations) {
    const load =
      solution.version === "v1"
        ? { arrivalRate: a.server.load.arrivalRate, avgLength: a.server.load.avgOutTokens }
        : {
            arrivalRate: a.server.load.arrivalRate,
            avgInTokens: a.server.load.avgInTokens,
            avgOutTokens: a.server.load.avgOutTokens,
          };
    allocations.push([
      a.server.name,
      {
        accelerator: a.accelerator,
        numReplicas: a.replicas,
        maxBatch: a.batchSize,
        cost: round(a.cost),
        itlAverage: round(a.itl),
        [latencyKey]: round(a.latency),
        load,
        ...(a.parts.length > 1
          ? { mix: a.parts.map((p) => ({ accelerator: p.accelerator, numReplicas: p.replicas, cost: round(p.cost) })) }
          : {}),
      },
    ]);
  }
  return { allocations: Object.fromEntries(allocations) };
}

/** The REST answer: inferno's allocations plus what a caller needs to trust them. */
export function solutionReport(solution: Solution): Record<string, unknown> {
  return {
    ...toSolutionData(solution),
    solver: solution.solver,
    status: solution.status,
    totalCost: round(solution.totalCost),
    unallocated: solution.unallocated,
    ...(solution.greedy
      ? { greedy: { totalCost: round(solution.greedy.totalCost), gap: round(solution.greedy.gap) } }
      : {}),
  };
}
