import express, { type Express, type NextFunction, type Request, type Response } from "express";
import type { Logger } from "../logging.js";
import type { Metrics } from "../metrics.js";
import { OptimizerDataError } from "../optimizer/json-fields.js";
import { parseSystem, systemDocuments } from "../optimizer/parse.js";
import { solveOffThread } from "../optimizer/solve-off-thread.js";
import { SOLVERS, type SolverName } from "../optimizer/solution.js";
import { solutionReport } from "../optimizer/solution-data.js";
import type { OptimizerLoop } from "../optimizer/loop/loop.js";

/** The leader's optimizer loop, when this replica runs one. */
export interface OptimizerHolder {
  loop: OptimizerLoop | undefined;
  metrics: Metrics;
}

const MAX_SYSTEM_BYTES = 16 * 1024 * 1024;

function solverParam(req: Request): SolverName | undefined {
  const solver = req.query.solver;
  if (solver === undefined) return undefined;
  if (typeof solver !== "string" || !(SOLVERS as readonly string[]).includes(solver)) {
    throw new OptimizerDataError(`query: solver must be one of ${SOLVERS.join(", ")}`);
  }
  return solver as SolverName;
}

/**
 * `POST /optimizer/solve[?solver=unlimited|greedy|milp]` with inferno's system-data body → its
 * solution-data allocations, with the solver, status, total cost and anything left unallocated.
 * Bad data is a 400 naming the entry; the solver's choice otherwise follows the body's optimizerData.
 */
export function mountOptimizer(app: Express, opts: { metrics: Metrics; log: Logger }): void {
  const json = express.json({ limit: MAX_SYSTEM_BYTES, type: () => true });
  app.post("/optimizer/solve", json, (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    let solver: SolverName | undefined;
    const done = (outcome: string): void => {
      opts.metrics.optimizerDuration.observe(
        { solver: solver ?? "default", outcome },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    };
    Promise.resolve()
      .then(async () => {
        solver = solverParam(req);
        const system = parseSystem(systemDocuments(req.body, "body"));
        const solution = await solveOffThread(system, solver);
        solver = solution.solver;
        opts.metrics.optimizerTotalCost.set({ source: "rest" }, solution.totalCost);
        done(solution.status);
        res.json(solutionReport(solution));
      })
      .catch((err: unknown) => {
        if (err instanceof OptimizerDataError) {
          done("bad-request");
          res.status(400).type("text/plain").send(`${err.message}\n`);
          return;
        }
        done("error");
        opts.log.error("optimizer failed", { error: String(err) });
        next(err);
      });
  });
}

/** `GET /invoke`: run the control loop now (inferno's trigger) and answer with the cycle's result. */
export function mountInvoke(app: Express, holder: OptimizerHolder): void {
  app.get("/invoke", (_req: Request, res: Response, next: NextFunction) => {
    const loop = holder.loop;
    if (!loop) {
      res
        .status(503)
        .type("text/plain")
        .send(
          "the optimizer loop does not run on this replica: it runs on the leader, with --optimizer-interval-seconds > 0, in a cluster\n",
        );
      return;
    }
    loop.invoke().then((result) => res.status(result.ok ? 200 : 500).json(result), next);
  });
}
