import { computeCandidates, type ServerCandidates } from "./candidates.js";
import { solveGreedy } from "./solvers/greedy.js";
import { solveBudgeted } from "./solvers/budgeted.js";
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

/**
 * MILP, warm-started from the greedy when it serves everyone in full, with the greedy's cost beside
 * it so the gap to the optimum is on record.
 */
export async function solveMilpSystem(
  system: SystemSpec,
  candidates: readonly ServerCandidates[],
  options: MilpOptions,
): Promise<Solution> {
  const greedy = solveGreedySystem(system, candidates);
  const servedInFull = greedy.unallocated.length === 0 && greedy.allocations.every((a) => !a.saturated);
  const start = servedInFull ? greedy.allocations : undefined;
  const exact = buildSolution(system, "milp", await solveMilp(system, candidates, options, start), true);
  if (exact.status !== "infeasible" && servedInFull) {
    const gap = exact.totalCost > 0 ? greedy.totalCost / exact.totalCost - 1 : greedy.totalCost > 0 ? Infinity : 0;
    exact.greedy = { totalCost: greedy.totalCost, gap };
  }
  return exact;
}

/** Seconds a budgeted solve takes at most when the options name no budget. */
export const DEFAULT_BUDGET_SECONDS = 2;

/** The best plan found within a time budget (solvers/budgeted.ts). */
export async function solveBudgetedSystem(
  system: SystemSpec,
  candidates: readonly ServerCandidates[],
  budgetSeconds = DEFAULT_BUDGET_SECONDS,
): Promise<Solution> {
  return buildSolution(system, "budgeted", await solveBudgeted(system, candidates, budgetSeconds), true);
}

/**
 * Solves a system with the named solver (default: what its optimizer data asks for). `options`:
 * the MILP's time limit (default 60 s) and, for "budgeted", `budgetSeconds` (default 2 s), which
 * covers sizing and solving together. Throws when HiGHS fails or finds nothing within its limit.
 */
export async function solveSystem(
  system: SystemSpec,
  solver: SolverName = defaultSolver(system),
  options: MilpOptions = DEFAULT_MILP_OPTIONS,
): Promise<Solution> {
  const begin = performance.now();
  const candidates = computeCandidates(system);
  if (solver === "unlimited") return solveUnlimitedSystem(system, candidates);
  if (solver === "greedy") return solveGreedySystem(system, candidates);
  if (solver === "budgeted") {
    const left = (options.budgetSeconds ?? DEFAULT_BUDGET_SECONDS) - (performance.now() - begin) / 1000;
    return solveBudgetedSystem(system, candidates, Math.max(left, 0));
  }
  return solveMilpSystem(system, candidates, options);
}
