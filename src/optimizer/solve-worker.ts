// Runs one solve off the main thread: HiGHS and candidate sizing are synchronous, and a large
// instance would otherwise stall the admission webhooks served by the same process.
import { parentPort, workerData } from "node:worker_threads";
import { solveSystem } from "./solve.js";
import type { SolveJob } from "./solve-off-thread.js";

const job = workerData as SolveJob;
solveSystem(job.system, job.solver, job.options).then(
  (solution) => {
    parentPort?.postMessage({ ok: true, solution });
  },
  (err: unknown) => {
    parentPort?.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
  },
);
