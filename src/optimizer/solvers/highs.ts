import { createRequire } from "node:module";

// highs' typings describe its CommonJS build (module.exports.default is the loader) while an ESM
// import would load its .mjs build, whose namespace differs; requiring the CommonJS build makes the
// types and the run time agree.
const requireCjs = createRequire(import.meta.url);
const loadHighs = (requireCjs("highs") as typeof import("highs")).default;
type Highs = Awaited<ReturnType<typeof loadHighs>>;
export type HighsSolution = ReturnType<Highs["solve"]>;

let loading: Promise<Highs> | undefined;

/** HiGHS compiled to WebAssembly, loaded once per process. */
function highs(): Promise<Highs> {
  loading ??= loadHighs();
  return loading;
}

export interface MilpOptions {
  /** Seconds before HiGHS stops with the best solution found so far. */
  timeLimitSeconds: number;
  /** The "budgeted" solver's whole budget, s (default 2). */
  budgetSeconds?: number;
}

export const DEFAULT_MILP_OPTIONS: MilpOptions = { timeLimitSeconds: 60 };

/** Solves an LP-format model to proven optimality (zero relative gap), within the time limit. */
export async function solveLp(text: string, options: MilpOptions): Promise<HighsSolution> {
  const solver = await highs();
  return solver.solve(text, {
    output_flag: false,
    time_limit: options.timeLimitSeconds,
    mip_rel_gap: 0,
    mip_abs_gap: 1e-6,
  });
}

/** The value HiGHS found for a column, rounded: integer columns come back as 0.9999999 at times. */
export function integerValue(solution: HighsSolution, column: string): number {
  const entry = solution.Columns[column];
  return entry && "Primal" in entry ? Math.round(entry.Primal) : 0;
}

/** A 0-1 program in HiGHS's column form: minimise cost·x subject to rowLower ≤ A·x ≤ rowUpper, x binary. */
export interface BinaryProgram {
  numCols: number;
  numRows: number;
  colCost: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  /** A in compressed sparse columns. */
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

export interface BinaryResult {
  status: "optimal" | "time-limit" | "infeasible";
  /** Undefined when no feasible x was found. */
  x?: Float64Array;
}

/**
 * Solves a 0-1 program with HiGHS's persistent API, from `start` (a feasible x, HiGHS's first
 * incumbent) when given, to proven optimality or the time limit. Throws on any other end.
 */
export async function solveBinary(
  program: BinaryProgram,
  options: MilpOptions,
  start?: Float64Array,
): Promise<BinaryResult> {
  const solver = await highs();
  const model = solver.createModel({
    numCols: program.numCols,
    numRows: program.numRows,
    colCost: program.colCost,
    colLower: new Float64Array(program.numCols),
    colUpper: new Float64Array(program.numCols).fill(1),
    rowLower: program.rowLower,
    rowUpper: program.rowUpper,
    matrix: {
      format: "csc",
      numRows: program.numRows,
      numCols: program.numCols,
      starts: program.starts,
      indices: program.indices,
      values: program.values,
    },
    integrality: new Int32Array(program.numCols).fill(solver.constants.variableType.integer),
  });
  try {
    model.options.set({
      output_flag: false,
      time_limit: Math.max(options.timeLimitSeconds, 0.001),
      mip_rel_gap: 0,
      mip_abs_gap: 1e-6,
    });
    if (start) model.setSolution({ colValue: start });
    const { modelStatus } = model.run();
    const status = solver.constants.modelStatus;
    const found = Number(model.info.get("primal_solution_status")) === solver.constants.solutionStatus.feasible;
    if (modelStatus === status.optimal) return { status: "optimal", x: model.getSolution().colValue };
    if (modelStatus === status.infeasible) return { status: "infeasible" };
    if (modelStatus === status.timeLimit)
      return { status: "time-limit", x: found ? model.getSolution().colValue : undefined };
    throw new Error(`HiGHS ended with model status ${modelStatus}`);
  } finally {
    model.dispose();
  }
}
