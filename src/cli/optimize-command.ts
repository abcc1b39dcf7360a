import { existsSync, statSync } from "node:fs";
import { ConfigError, type Flags } from "../config.js";
import { OptimizerDataError } from "../optimizer/json-fields.js";
import { loadSystemDir, loadSystemFile } from "../optimizer/load-dir.js";
import { solveSystem } from "../optimizer/solve.js";
import { checkBatches } from "../optimizer/limits.js";
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

/** Solves one inferno data directory (or system-data.json) and prints the table or inferno's solution-data.json. */
async function optimizeDir(path: string, solver: SolverName | undefined, json: boolean, io: Io): Promise<number> {
  if (!existsSync(path)) throw new ConfigError(`${path}: no such file or directory`);
  let solution;
  try {
    const system = statSync(path).isDirectory() ? loadSystemDir(path) : loadSystemFile(path);
    checkBatches(system);
    solution = await solveSystem(system, solver);
  } catch (err) {
    if (err instanceof OptimizerDataError) throw new ConfigError(err.message);
    throw err;
  }
  io.out(json ? `${JSON.stringify(toSolutionData(solution), null, 2)}\n` : formatSolution(solution));
  if (json) for (const u of solution.unallocated) io.err(`not allocated: ${u.server}: ${u.reason}\n`);
  return solution.unallocated.length > 0 ? 1 : 0;
}

/**
 * `inferplane optimize DIR [--solver unlimited|greedy|milp|budgeted] [--json]`: solves an inferno data
 * directory (or one system-data.json). Exit 1 when a server went unallocated or MILP found the
 * instance infeasible; 2 for bad input. With `--manifests`, the dry run of one loop cycle
 * (optimize-manifests.ts), DIR then optional.
 */
export async function optimizeCommand(flags: Flags, io: Io, args: string[]): Promise<number> {
  const [path, extra] = args;
  if (extra !== undefined) throw new ConfigError("optimize takes one DIR (inferno's data files) or a system-data.json");
  const solver = solverFlag(flags);
  if (typeof flags.manifests === "string") {
    const { optimizeManifests } = await import("./optimize-manifests.js");
    return optimizeManifests(flags, io, { dataDir: path, solver });
  }
  if (path === undefined)
    throw new ConfigError("optimize takes one DIR (inferno's data files) or a system-data.json, or --manifests DIR");
  return optimizeDir(path, solver, flags.json === true, io);
}
