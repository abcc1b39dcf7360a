import { computeCandidates, type ServerCandidates } from "./candidates.js";
import { solveGreedy } from "./solvers/greedy.js";
import { DEFAULT_MILP_OPTIONS, type MilpOptions } from "./solvers/highs.js";
import { solveMilp } from "./solvers/milp.js";
import { solveUnlimited } from "./solvers/unlimited.js";
import { buildSolution, type Solution, type SolverName } from "./solution.js";
import type { SystemSpec } from "./spec.js";

/** The solver the data asks for: unlimited, else MILP when milpSolver is set, else the greedy. */
export function defaultSolver(system: SystemSpec): SolverName {
  if (system.optimizer.unlimited) return "unlimited";
  return system.optimizer.milpSolver ? "milp" : "greedy";
}

export function solveUnlimitedSystem(system: SystemSpec, candidates: readonly ServerCandidates[]): Solution {
  return buildSolution(system, "unlimited", { status: "optimal", ...solveUnlimited(candidates) }, false);
}

export function solveGreedySystem(system: SystemSpec, candidates: readonly ServerCandidates[]): Solution {
  return buildSolution(system, "greedy", { status: "heuristic", ...solveGreedy(system, candidates) }, true);
}

/** MILP, with the greedy's cost beside it so the gap to the optimum is on record. */
export async function solveMilpSystem(
  system: SystemSpec,
  candidates: readonly ServerCandidates[],
  options: MilpOptions,
): Promise<Solution> {
  const exact = buildSolution(system, "milp", await solveMilp(system, candidates, options), true);
  const greedy = solveGreedySystem(system, candidates);
  const servedInFull = greedy.unallocated.length === 0 && greedy.allocations.every((a) => !a.saturated);
  if (exact.status !== "infeasible" && servedInFull) {
    const gap = exact.totalCost > 0 ? greedy.totalCost / exact.totalCost - 1 : greedy.totalCost > 0 ? Infinity : 0;
    exact.greedy = { totalCost: greedy.totalCost, gap };
  }
  return exact;
}

export async function solveSystem(
  system: SystemSpec,
  solver: SolverName = defaultSolver(system),
  options: MilpOptions = DEFAULT_MILP_OPTIONS,
): Promise<Solution> {
  const candidates = computeCandidates(system);
  if (solver === "unlimited") return solveUnlimitedSystem(system, candidates);
  if (solver === "greedy") return solveGreedySystem(system, candidates);
  return solveMilpSystem(system, candidates, options);
}
