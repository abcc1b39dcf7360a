import type { Candidate } from "./candidates.js";
import type { DataVersion, ServerSpec, SystemSpec } from "./spec.js";

export const SOLVERS = ["unlimited", "greedy", "milp", "budgeted"] as const;
export type SolverName = (typeof SOLVERS)[number];

/** Replicas of one accelerator within a server's allocation. */
export interface AllocationPart {
  accelerator: string;
  acceleratorType: string;
  replicas: number;
  cardsPerReplica: number;
  cost: number;
}

export interface ServerAllocation {
  server: ServerSpec;
  /** The accelerator holding most replicas (the only one unless heterogeneous). */
  accelerator: string;
  replicas: number;
  batchSize: number;
  cost: number;
  itl: number;
  /** V1 average wait, V2 average time to first token, ms. */
  latency: number;
  maxRatePerReplica: number;
  parts: AllocationPart[];
  /** Fewer replicas than its SLOs need: capacity ran out (best effort). */
  saturated: boolean;
}

export interface Unallocated {
  server: string;
  reason: string;
}

/**
 * optimal: proven (unlimited, MILP, or a budgeted solve that proved it); heuristic: the greedy, or
 * a budgeted plan not proven; time-limit: MILP's best when time ran out.
 */
export type SolutionStatus = "optimal" | "heuristic" | "time-limit" | "infeasible";

export interface Solution {
  solver: SolverName;
  status: SolutionStatus;
  version: DataVersion;
  allocations: ServerAllocation[];
  unallocated: Unallocated[];
  totalCost: number;
  /** Cards in use and available (undefined when capacity is unlimited) per accelerator type. */
  usage: Map<string, { used: number; available: number | undefined }>;
  /** MILP only: the greedy's cost on the same candidates, and how far above the optimum it is. */
  greedy?: { totalCost: number; gap: number };
}

export function partOf(candidate: Candidate, replicas = candidate.replicas): AllocationPart {
  return {
    accelerator: candidate.accelerator,
    acceleratorType: candidate.acceleratorType,
    replicas,
    cardsPerReplica: candidate.cardsPerReplica,
    cost: candidate.costPerReplica * replicas,
  };
}

export function allocationFrom(server: ServerSpec, candidate: Candidate, saturated = false): ServerAllocation {
  return {
    server,
    accelerator: candidate.accelerator,
    replicas: candidate.replicas,
    batchSize: candidate.batchSize,
    cost: candidate.cost,
    itl: candidate.itl,
    latency: candidate.latency,
    maxRatePerReplica: candidate.maxRatePerReplica,
    parts: [partOf(candidate)],
    saturated,
  };
}

/** Assembles a solution: allocations by server name, totals, and card usage per type. */
export interface SolverOutcome {
  status: SolutionStatus;
  allocations: ServerAllocation[];
  unallocated: Unallocated[];
}

export function buildSolution(
  system: SystemSpec,
  solver: SolverName,
  outcome: SolverOutcome,
  limited: boolean,
): Solution {
  const { allocations, unallocated } = outcome;
  const usage = new Map<string, { used: number; available: number | undefined }>();
  if (limited) for (const [type, count] of system.capacity) usage.set(type, { used: 0, available: count });
  for (const part of allocations.flatMap((a) => a.parts)) {
    const entry = usage.get(part.acceleratorType) ?? { used: 0, available: limited ? 0 : undefined };
    entry.used += part.replicas * part.cardsPerReplica;
    usage.set(part.acceleratorType, entry);
  }
  const sorted = [...allocations].sort((a, b) => a.server.name.localeCompare(b.server.name));
  return {
    solver,
    status: outcome.status,
    version: system.version,
    allocations: sorted,
    unallocated: [...unallocated].sort((a, b) => a.server.localeCompare(b.server)),
    totalCost: sorted.reduce((sum, a) => sum + a.cost, 0),
    usage,
  };
}
