import type { ServerCandidates } from "../candidates.js";
import type { ServerAllocation, SolutionStatus, Unallocated } from "../solution.js";
import type { SystemSpec } from "../spec.js";
import { solveGreedy } from "./greedy.js";
import { improvePlan } from "./lagrange.js";
import { allocationsOf, solveMilp } from "./milp.js";
import { planOf, solveSingleMilp } from "./milp-single.js";
import { PlanSpace } from "./plan-space.js";

/** The budget's share the Lagrangian heuristic may use; the MILP gets the rest. */
const HEURISTIC_SHARE = 0.35;
/** HiGHS is not started with less than this left, s. */
const MIN_MILP_SECONDS = 0.05;
/**
 * Time kept back from HiGHS's limit, s: a fixed part and a part per column, for building the
 * program, HiGHS's presolve running past its clock, and reading the answer.
 */
const RESERVE_SECONDS = 0.05;
const RESERVE_PER_COLUMN_SECONDS = 5e-6;

export interface BudgetedResult {
  status: SolutionStatus;
  allocations: ServerAllocation[];
  unallocated: Unallocated[];
  /** Which step found the plan returned. */
  foundBy: "greedy" | "heuristic" | "milp";
}

const secondsLeft = (deadline: number): number => (deadline - performance.now()) / 1000;

async function heterogeneous(
  system: SystemSpec,
  servers: readonly ServerCandidates[],
  deadline: number,
  greedy: BudgetedResult,
): Promise<BudgetedResult> {
  const left = secondsLeft(deadline) - RESERVE_SECONDS;
  if (left < MIN_MILP_SECONDS) return greedy;
  try {
    const exact = await solveMilp(system, servers, { timeLimitSeconds: left });
    return exact.status === "infeasible" ? greedy : { ...exact, foundBy: "milp" };
  } catch {
    return greedy; // no mix found within the budget
  }
}

/**
 * The best plan found within `budgetSeconds`: the repaired greedy; if it serves everyone in full,
 * improved by Lagrangian prices and local moves (improvePlan) for part of the budget, then the
 * MILP warm-started from that plan for the rest. Never dearer than the greedy (its plan is the
 * first incumbent) and never over capacity. A greedy that leaves servers short is returned as it
 * is: the MILP only knows plans that serve everyone in full. Status: optimal when the Lagrangian
 * bound or HiGHS proved it; time-limit when HiGHS ran out of time; heuristic otherwise.
 */
export async function solveBudgeted(
  system: SystemSpec,
  servers: readonly ServerCandidates[],
  budgetSeconds: number,
): Promise<BudgetedResult> {
  const begin = performance.now();
  const deadline = begin + budgetSeconds * 1000;
  const greedy: BudgetedResult = { status: "heuristic", ...solveGreedy(system, servers), foundBy: "greedy" };
  if (system.optimizer.heterogeneous) return heterogeneous(system, servers, deadline, greedy);
  const space = new PlanSpace(servers, system.capacity);
  const start = planOf(space, greedy.allocations);
  if (!start || space.servers.length === 0) return greedy;
  const improved = improvePlan(space, start, begin + budgetSeconds * 1000 * HEURISTIC_SHARE);
  let plan = improved.plan;
  let foundBy: BudgetedResult["foundBy"] = improved.value < space.valueOf(start) ? "heuristic" : "greedy";
  let status: SolutionStatus =
    improved.value - improved.bound <= 1e-9 * Math.abs(improved.value) ? "optimal" : "heuristic";
  const left = secondsLeft(deadline) - RESERVE_SECONDS - space.value.length * RESERVE_PER_COLUMN_SECONDS;
  if (status !== "optimal" && left >= MIN_MILP_SECONDS) {
    const exact = await solveSingleMilp(space, { timeLimitSeconds: left }, plan);
    if (exact.plan && space.fits(exact.plan) && space.valueOf(exact.plan) < improved.value) {
      plan = exact.plan;
      foundBy = "milp";
    }
    status = exact.status === "optimal" ? "optimal" : "time-limit";
  }
  return { status, allocations: allocationsOf(space, plan), unallocated: greedy.unallocated, foundBy };
}
