import { existsSync, statSync } from "node:fs";
import { ConfigError, type Flags } from "../config.js";
import { OptimizerDataError } from "../optimizer/json-fields.js";
import { loadSystemDir, loadSystemFile } from "../optimizer/load-dir.js";
import { solveSystem } from "../optimizer/solve.js";
import { SOLVERS, type SolverName } from "../optimizer/solution.js";
import { toSolutionData } from "../optimizer/solution-data.js";
import { formatSolution } from "../optimizer/table.js";
import type { Io } from "./commands.js";

function solverFlag(flags: Flags): SolverName | undefined {
  const solver = flags.solver;
  if (solver === undefined) return undefined;
  if (typeof solver !== "string" || !(SOLVERS as readonly string[]).includes(solver)) {
    throw new ConfigError(`--solver must be one of ${SOLVERS.join(", ")}`);
  }
  return solver as SolverName;
}

/**
 * `inferplane optimize DIR [--solver unlimited|greedy|milp|budgeted] [--json]`: solves an inferno data
 * directory (or one system-data.json). Exit 1 when a server went unallocated or MILP found the
 * instance infeasible; 2 for bad input.
 */
export async function optimizeCommand(flags: Flags, io: Io, args: string[]): Promise<number> {
  const [path, extra] = args;
  if (path === undefined || extra !== undefined)
    throw new ConfigError("optimize takes one DIR (inferno's data files) or a system-data.json");
  if (!existsSync(path)) throw new ConfigError(`${path}: no such file or directory`);
  const solver = solverFlag(flags);
  let solution;
  try {
    const system = statSync(path).isDirectory() ? loadSystemDir(path) : loadSystemFile(path);
    solution = await solveSystem(system, solver);
  } catch (err) {
    if (err instanceof OptimizerDataError) throw new ConfigError(err.message);
    throw err;
  }
  io.out(flags.json === true ? `${JSON.stringify(toSolutionData(solution), null, 2)}\n` : formatSolution(solution));
  if (flags.json === true && solution.unallocated.length > 0) {
    for (const u of solution.unallocated) io.err(`not allocated: ${u.server}: ${u.reason}\n`);
  }
  return solution.unallocated.length > 0 ? 1 : 0;
}
