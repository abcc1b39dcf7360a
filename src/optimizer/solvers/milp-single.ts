import type { ServerAllocation } from "../solution.js";
import { solveBinary, type BinaryProgram, type MilpOptions } from "./highs.js";
import type { PlanSpace } from "./plan-space.js";

/** One binary per candidate; each server takes exactly one; each card type's cards within capacity; least total value. */
export function binaryProgram(space: PlanSpace): BinaryProgram {
  const servers = space.servers.length;
  const numCols = space.value.length;
  const numRows = servers + space.types.length;
  const starts = new Int32Array(numCols + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let s = 0; s < servers; s++) {
    for (let j = 0; j < (space.count[s] ?? 0); j++) {
      const k = space.at(s, j);
      indices.push(s);
      values.push(1);
      if ((space.cards[k] ?? 0) > 0) {
        indices.push(servers + (space.type[k] ?? 0));
        values.push(space.cards[k] ?? 0);
      }
      starts[k + 1] = indices.length;
    }
  }
  const rowLower = new Float64Array(numRows).fill(-Infinity);
  const rowUpper = new Float64Array(numRows);
  rowLower.fill(1, 0, servers);
  rowUpper.fill(1, 0, servers);
  rowUpper.set(space.capacity, servers);
  return {
    numCols,
    numRows,
    colCost: Float64Array.from(space.value),
    rowLower,
    rowUpper,
    starts,
    indices: Int32Array.from(indices),
    values: Float64Array.from(values),
  };
}

/** A plan (candidate index per server) as the program's x. */
export function startVector(space: PlanSpace, plan: Int32Array): Float64Array {
  const x = new Float64Array(space.value.length);
  for (let s = 0; s < plan.length; s++) x[space.at(s, plan[s] ?? 0)] = 1;
  return x;
}

/** The plan in x: per server, its candidate set to 1 (HiGHS returns 0.9999… at times). */
export function planFrom(space: PlanSpace, x: Float64Array): Int32Array {
  const plan = new Int32Array(space.servers.length);
  for (let s = 0; s < plan.length; s++) {
    let best = 0;
    for (let j = 1; j < (space.count[s] ?? 0); j++)
      if ((x[space.at(s, j)] ?? 0) > (x[space.at(s, best)] ?? 0)) best = j;
    plan[s] = best;
  }
  return plan;
}

/** The greedy's allocations as a plan, when every server with candidates is served in full by one of them. */
export function planOf(space: PlanSpace, allocations: readonly ServerAllocation[]): Int32Array | undefined {
  const byName = new Map(allocations.map((a) => [a.server.name, a]));
  const plan = new Int32Array(space.servers.length);
  for (let s = 0; s < plan.length; s++) {
    const server = space.servers[s];
    const allocation = server && byName.get(server.server.name);
    if (!server || !allocation || allocation.saturated) return undefined;
    const j = server.candidates.findIndex((c) => c.accelerator === allocation.accelerator);
    if (j < 0) return undefined;
    plan[s] = j;
  }
  return plan;
}

export interface SingleMilpResult {
  status: "optimal" | "time-limit" | "infeasible";
  plan?: Int32Array;
}

/** The single-accelerator MILP, warm-started from `start` (a plan that fits) when given. */
export async function solveSingleMilp(
  space: PlanSpace,
  options: MilpOptions,
  start?: Int32Array,
): Promise<SingleMilpResult> {
  const result = await solveBinary(binaryProgram(space), options, start && startVector(space, start));
  return { status: result.status, plan: result.x && planFrom(space, result.x) };
}
