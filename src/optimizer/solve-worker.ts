// Runs solves off the main thread: HiGHS and candidate sizing are synchronous, and a large
// instance would otherwise stall the admission webhooks served by the same process.
import { lowerThreadPriority, serveJobs } from "../work/worker-side.js";
import { OptimizerDataError } from "./json-fields.js";
import { checkInstance } from "./limits.js";
import { parseSystem, systemDocuments } from "./parse.js";
import { solutionReport } from "./solution-data.js";
import type { SolveJob, SolveReply } from "./solve-off-thread.js";
import { solveSystem } from "./solve.js";

function parseBody(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
  } catch (err) {
    throw new OptimizerDataError(`body: not valid JSON: ${(err as Error).message}`);
  }
}

async function solve(job: SolveJob): Promise<SolveReply> {
  const system = job.kind === "body" ? parseSystem(systemDocuments(parseBody(job.body), "body")) : job.system;
  checkInstance(system, job.limits);
  const solution = await solveSystem(system, job.solver, { timeLimitSeconds: job.limits.timeLimitSeconds });
  if (job.kind === "system") return solution;
  return {
    report: solutionReport(solution),
    solver: solution.solver,
    status: solution.status,
    totalCost: solution.totalCost,
  };
}

lowerThreadPriority();
serveJobs<SolveJob, SolveReply>({ job: solve });
