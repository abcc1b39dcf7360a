import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from "express";
import type { Logger } from "../logging.js";
import { countRefused, type Metrics } from "../metrics.js";
import { OptimizerDataError } from "../optimizer/json-fields.js";
import { InstanceTooLargeError } from "../optimizer/limits.js";
import type { OptimizerLoop } from "../optimizer/loop/loop.js";
import type { OptimizerPool } from "../optimizer/solve-off-thread.js";
import { SOLVERS, type SolverName } from "../optimizer/solution.js";
import { JobTimeoutError, QueueFullError, WorkerFailedError } from "../work/pool.js";
import { InFlightBudget } from "./in-flight.js";
import { dropUnreadBody } from "./body.js";
import { bodyOf, intake } from "./intake.js";

/** The leader's optimizer loop, when this replica runs one. */
export interface OptimizerHolder {
  loop: OptimizerLoop | undefined;
  metrics: Metrics;
}

export interface OptimizerAppOptions {
  pool: OptimizerPool;
  holder: OptimizerHolder;
  log: Logger;
  maxBodyBytes: number;
  /** Bearer-token check (in a cluster); undefined: open (standalone). */
  auth?: RequestHandler;
}

function solverParam(req: Request): SolverName | undefined {
  const solver = req.query.solver;
  if (solver === undefined) return undefined;
  if (typeof solver !== "string" || !(SOLVERS as readonly string[]).includes(solver)) {
    throw new OptimizerDataError(`query: solver must be one of ${SOLVERS.join(", ")}`);
  }
  return solver as SolverName;
}

function text(res: Response, status: number, message: string): void {
  res.status(status).type("text/plain").send(`${message}\n`);
}

/** One status per kind of fault: bad data 400, too large 413, busy 429, over time or memory 503. */
function solveFault(err: unknown): { status: number; outcome: string; message: string } | undefined {
  if (err instanceof InstanceTooLargeError) return { status: 413, outcome: "too-large", message: err.message };
  if (err instanceof OptimizerDataError) return { status: 400, outcome: "bad-request", message: err.message };
  if (err instanceof QueueFullError) return { status: 429, outcome: "busy", message: err.message };
  if (err instanceof JobTimeoutError || err instanceof WorkerFailedError)
    return {
      status: 503,
      outcome: "error",
      message: `the solve was stopped: ${err.message}; reduce the instance, or raise --optimizer-time-limit-seconds or --memory-budget-mib`,
    };
  return undefined;
}

function solveHandler(opts: OptimizerAppOptions) {
  const metrics = opts.holder.metrics;
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    let solver: SolverName | undefined;
    const done = (outcome: string): void => {
      metrics.optimizerDuration.observe(
        { solver: solver ?? "default", outcome },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    };
    Promise.resolve()
      .then(async () => {
        solver = solverParam(req);
        const solved = await opts.pool.solveBody(bodyOf(req), solver);
        solver = solved.solver;
        metrics.optimizerTotalCost.set({ source: "rest" }, solved.totalCost);
        done(solved.status);
        res.json(solved.report);
      })
      .catch((err: unknown) => {
        const fault = solveFault(err);
        if (!fault) {
          done("error");
          next(err);
          return;
        }
        done(fault.outcome);
        if (fault.status === 429) {
          countRefused(metrics, "optimizer", "queue-full");
          res.setHeader("Retry-After", String(opts.pool.retryAfterSeconds()));
        }
        if (fault.status === 503) opts.log.error("optimizer solve stopped", { cause: String(err) });
        text(res, fault.status, fault.message);
      });
  };
}

/** 429 with Retry-After before the body is read, when the queue is full already. */
function queueGate(opts: OptimizerAppOptions): RequestHandler {
  return (req, res, next) => {
    if (!opts.pool.full) {
      next();
      return;
    }
    countRefused(opts.holder.metrics, "optimizer", "queue-full");
    res.setHeader("Retry-After", String(opts.pool.retryAfterSeconds()));
    dropUnreadBody(req, res);
    text(
      res,
      429,
      "the optimizer is busy: every worker is taken and the queue is full; retry after Retry-After seconds",
    );
  };
}

/**
 * `POST /optimizer/solve[?solver=unlimited|greedy|milp]` with inferno's system-data body → its
 * solution-data allocations, with the solver, status, total cost and anything left unallocated;
 * `GET /invoke`: run the control loop now (inferno's trigger). Served on their own listener
 * (--optimizer-port), so their traffic never shares the webhooks' accept queue.
 */
export function createOptimizerApp(opts: OptimizerAppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  const open: RequestHandler = (_req, _res, next) => {
    next();
  };
  const auth = opts.auth ?? open;
  const body = intake({
    limit: opts.maxBodyBytes,
    // The pool bounds the work; this bounds bodies waiting to reach it.
    budget: new InFlightBudget(64, opts.maxBodyBytes * 8),
    replies: {
      tooLarge: (_req, res, message) => {
        text(res, 413, `${message} (--optimizer-max-body-mib)`);
      },
      overloaded: (_req, res) => {
        res.setHeader("Retry-After", String(opts.pool.retryAfterSeconds()));
        text(res, 429, "too many optimizer requests in flight; retry after Retry-After seconds");
      },
    },
    onRefused: (reason) => {
      countRefused(opts.holder.metrics, "optimizer", reason);
    },
  });
  app.post("/optimizer/solve", auth, queueGate(opts), body, solveHandler(opts));
  app.get("/invoke", auth, (_req: Request, res: Response, next: NextFunction) => {
    const loop = opts.holder.loop;
    if (!loop) {
      text(
        res,
        503,
        "the optimizer loop does not run on this replica: it runs on the leader, with --optimizer-interval-seconds > 0, in a cluster",
      );
      return;
    }
    loop.invoke().then((result) => res.status(result.ok ? 200 : 500).json(result), next);
  });
  app.use((_req, res) => {
    text(res, 404, "not found: use POST /optimizer/solve or GET /invoke");
  });
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    opts.log.error("internal error", {
      path: req.path,
      cause: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
    text(res, 500, "internal error");
  });
  return app;
}
