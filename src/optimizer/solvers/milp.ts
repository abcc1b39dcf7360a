import { candidateOn, type Candidate, type ServerCandidates } from "../candidates.js";
import { allocationFrom, partOf, type AllocationPart, type ServerAllocation, type Unallocated } from "../solution.js";
import type { ServerSpec, SystemSpec } from "../spec.js";
import { integerValue, solveLp, type HighsSolution, type MilpOptions } from "./highs.js";
import { planOf, solveSingleMilp } from "./milp-single.js";
import { PlanSpace } from "./plan-space.js";
import { lpText, type LpModel, type Term } from "./lp-text.js";

export type MilpStatus = "optimal" | "time-limit" | "infeasible";

export interface MilpResult {
  status: MilpStatus;
  allocations: ServerAllocation[];
  unallocated: Unallocated[];
}

const NO_CANDIDATE: Unallocated["reason"] = "no accelerator meets its SLOs";

function variable(server: number, candidate: number): string {
  return `x${server}_${candidate}`;
}

function capacityRows(system: SystemSpec, usage: Map<string, Term[]>): LpModel["constraints"] {
  return [...usage].map(([type, terms], i) => ({
    name: `cap${i}`,
    terms,
    sense: "<=" as const,
    rhs: system.capacity.get(type) ?? 0,
  }));
}

function addUsage(usage: Map<string, Term[]>, type: string, term: Term): void {
  const terms = usage.get(type) ?? [];
  terms.push(term);
  usage.set(type, terms);
}

/** Requests/minute a server must carry: its arrival rate, or the rate its TPS target implies. */
function demandOf(server: ServerSpec, system: SystemSpec): number {
  const tps = system.serviceClasses.get(server.serviceClass)?.targets.get(server.model)?.tps ?? 0;
  return tps > 0 && server.load.avgOutTokens > 0 ? (tps * 60) / server.load.avgOutTokens : server.load.arrivalRate;
}

/** Integer replicas on any mix of accelerators whose SLO-meeting rates together carry the demand; minimise cost. */
function heterogeneousModel(system: SystemSpec, servers: readonly ServerCandidates[]): LpModel {
  const model: LpModel = { objective: [], constraints: [], upperBounds: [], binaries: [], generals: [] };
  const usage = new Map<string, Term[]>();
  servers.forEach(({ server, candidates }, s) => {
    if (candidates.length === 0) return;
    const carry: Term[] = [];
    const count: Term[] = [];
    candidates.forEach((c, j) => {
      const y = variable(s, j);
      model.generals.push(y);
      model.upperBounds.push({ variable: y, value: Math.max(c.replicas, server.minNumReplicas) });
      if (c.costPerReplica !== 0) model.objective.push({ coefficient: c.costPerReplica, variable: y });
      carry.push({ coefficient: c.maxRatePerReplica, variable: y });
      count.push({ coefficient: 1, variable: y });
      if (c.cardsPerReplica > 0) addUsage(usage, c.acceleratorType, { coefficient: c.cardsPerReplica, variable: y });
    });
    const demand = demandOf(server, system);
    if (demand > 0) model.constraints.push({ name: `rate${s}`, terms: carry, sense: ">=", rhs: demand });
    if (server.minNumReplicas > 0)
      model.constraints.push({ name: `min${s}`, terms: count, sense: ">=", rhs: server.minNumReplicas });
  });
  model.constraints.push(...capacityRows(system, usage));
  return model;
}

/** A mix evaluated per accelerator at its share of the load; the worst latency is what clients see. */
function mixedAllocation(
  system: SystemSpec,
  server: ServerSpec,
  chosen: { candidate: Candidate; replicas: number }[],
): ServerAllocation {
  const capacity = chosen.reduce((sum, c) => sum + c.candidate.maxRatePerReplica * c.replicas, 0);
  const evaluated = chosen.map(({ candidate, replicas }) => {
    const share = capacity > 0 ? (candidate.maxRatePerReplica * replicas) / capacity : 1 / chosen.length;
    const load = { ...server.load, arrivalRate: server.load.arrivalRate * share };
    return candidateOn({ ...server, load }, candidate.accelerator, system, replicas) ?? { ...candidate, replicas };
  });
  const parts: AllocationPart[] = chosen.map(({ candidate, replicas }) => partOf(candidate, replicas));
  const main = [...chosen].sort((a, b) => b.replicas - a.replicas)[0]?.candidate;
  if (!main) throw new Error(`no replicas chosen for ${server.name}`);
  return {
    ...allocationFrom(server, main),
    replicas: parts.reduce((sum, p) => sum + p.replicas, 0),
    cost: parts.reduce((sum, p) => sum + p.cost, 0),
    itl: Math.max(...evaluated.map((e) => e.itl)),
    latency: Math.max(...evaluated.map((e) => e.latency)),
    parts,
  };
}

function readMixes(
  system: SystemSpec,
  servers: readonly ServerCandidates[],
  solution: HighsSolution,
): ServerAllocation[] {
  const allocations: ServerAllocation[] = [];
  servers.forEach(({ server, candidates }, s) => {
    const chosen = candidates
      .map((candidate, j) => ({ candidate, replicas: integerValue(solution, variable(s, j)) }))
      .filter((c) => c.replicas > 0);
    if (chosen.length > 0) allocations.push(mixedAllocation(system, server, chosen));
    else if (candidates[0] && candidates[0].replicas === 0) allocations.push(allocationFrom(server, candidates[0]));
  });
  return allocations;
}

/** A plan's allocations: each server by its chosen candidate. */
export function allocationsOf(space: PlanSpace, plan: Int32Array): ServerAllocation[] {
  return space.servers.flatMap(({ server, candidates }, s) => {
    const candidate = candidates[plan[s] ?? 0];
    return candidate ? [allocationFrom(server, candidate)] : [];
  });
}

function statusOf(solution: HighsSolution): MilpStatus | undefined {
  if (solution.Status === "Optimal") return "optimal";
  if (solution.Status === "Infeasible") return "infeasible";
  if (solution.Status === "Time limit reached" && Object.keys(solution.Columns).length > 0) return "time-limit";
  return undefined;
}

const INFEASIBLE = "infeasible: the accelerators available cannot serve every server in full";

function withoutCandidates(servers: readonly ServerCandidates[]): Unallocated[] {
  return servers.filter((s) => s.candidates.length === 0).map((s) => ({ server: s.server.name, reason: NO_CANDIDATE }));
}

function infeasible(servers: readonly ServerCandidates[]): MilpResult {
  return {
    status: "infeasible",
    allocations: [],
    unallocated: [
      ...withoutCandidates(servers),
      ...servers.filter((s) => s.candidates.length > 0).map((s) => ({ server: s.server.name, reason: INFEASIBLE })),
    ],
  };
}

async function solveHeterogeneous(
  system: SystemSpec,
  servers: readonly ServerCandidates[],
  options: MilpOptions,
): Promise<MilpResult> {
  const model = heterogeneousModel(system, servers);
  if (model.generals.length === 0)
    return { status: "optimal", allocations: [], unallocated: withoutCandidates(servers) };
  const solution = await solveLp(lpText(model), options);
  const status = statusOf(solution);
  if (!status) throw new Error(`HiGHS ended with status "${solution.Status}"`);
  if (status === "infeasible") return infeasible(servers);
  return { status, allocations: readMixes(system, servers, solution), unallocated: withoutCandidates(servers) };
}

/**
 * The exact solver: every server served in full by one accelerator type (or, heterogeneous, by a
 * mix), capacity respected, least total value. An instance capacity cannot serve in full is
 * reported infeasible — no best effort here; that is the greedy's job. `start`, allocations that
 * serve every server in full (the greedy's), is HiGHS's first incumbent.
 */
export async function solveMilp(
  system: SystemSpec,
  servers: readonly ServerCandidates[],
  options: MilpOptions,
  start?: readonly ServerAllocation[],
): Promise<MilpResult> {
  if (system.optimizer.heterogeneous) return solveHeterogeneous(system, servers, options);
  const space = new PlanSpace(servers, system.capacity);
  if (space.servers.length === 0)
    return { status: "optimal", allocations: [], unallocated: withoutCandidates(servers) };
  const result = await solveSingleMilp(space, options, start && planOf(space, start));
  if (result.status === "infeasible") return infeasible(servers);
  if (!result.plan) throw new Error("HiGHS reached its time limit before finding an allocation");
  return {
    status: result.status,
    allocations: allocationsOf(space, result.plan),
    unallocated: withoutCandidates(servers),
  };
}
