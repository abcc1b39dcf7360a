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
