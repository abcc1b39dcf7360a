import { Worker } from "node:worker_threads";
import type { MilpOptions } from "./solvers/highs.js";
import { DEFAULT_MILP_OPTIONS } from "./solvers/highs.js";
import type { Solution, SolverName } from "./solution.js";
import type { SystemSpec } from "./spec.js";

export interface SolveJob {
  system: SystemSpec;
  solver: SolverName | undefined;
  options: MilpOptions;
}

type Reply = { ok: true; solution: Solution } | { ok: false; error: string };

/**
 * The worker next to this file: built, the .js beside it; from source (the tests, `npm run
 * bench`), a bootstrap that registers tsx's loader in the worker first — a worker does not
 * inherit the loader of its parent.
 */
function startWorker(job: SolveJob): Worker {
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(new URL("./solve-worker.js", import.meta.url), { workerData: job });
  const source = new URL("./solve-worker.ts", import.meta.url).href;
  const bootstrap = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: job });
}

/**
 * Solves in a worker thread, so the event loop keeps serving admission requests while HiGHS and
 * the queue model run; the worker is stopped if it outlives the MILP time limit by 30 s.
 */
export function solveOffThread(
  system: SystemSpec,
  solver?: SolverName,
  options: MilpOptions = DEFAULT_MILP_OPTIONS,
): Promise<Solution> {
  return new Promise((resolve, reject) => {
    const worker = startWorker({ system, solver, options });
    const timer = setTimeout(
      () => {
        reject(new Error(`the solve did not finish within ${options.timeLimitSeconds + 30} s`));
        void worker.terminate();
      },
      (options.timeLimitSeconds + 30) * 1000,
    );
    worker.once("message", (reply: Reply) => {
      clearTimeout(timer);
      if (reply.ok) resolve(reply.solution);
      else reject(new Error(reply.error));
      void worker.terminate();
    });
    worker.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
