import { OptimizerDataError } from "./json-fields.js";
import { InstanceTooLargeError, type InstanceLimits } from "./limits.js";
import type { Solution, SolutionStatus, SolverName } from "./solution.js";
import type { SystemSpec } from "./spec.js";
import { movableBytes, RemoteError, WorkerPool, type PoolOptions } from "../work/pool.js";

/** A solve for the worker: a REST body still to parse, or a system the control loop collected. */
export type SolveJob =
  | { kind: "body"; body: Uint8Array; solver: SolverName | undefined; limits: InstanceLimits }
  | { kind: "system"; system: SystemSpec; solver: SolverName | undefined; limits: InstanceLimits };

/** What a REST solve answers: the report (solution-data.ts), and the figures metrics need. */
export interface RestSolve {
  report: Record<string, unknown>;
  solver: SolverName;
  status: SolutionStatus;
  totalCost: number;
}

export type SolveReply = RestSolve | Solution;

export interface OptimizerPoolOptions {
  workers: number;
  queue: number;
  limits: InstanceLimits;
  /** Resident memory the process aims to stay under, MiB. */
  memoryBudgetMib: number;
  observe?: PoolOptions["observe"];
}

const MIB = 1024 * 1024;

/** Errors thrown by the worker's parse and checks keep their class here (400 and 413). */
function localError(err: unknown): unknown {
  if (!(err instanceof RemoteError)) return err;
  if (err.remoteName === "InstanceTooLargeError") return new InstanceTooLargeError(err.message);
  if (err.remoteName === "OptimizerDataError") return new OptimizerDataError(err.message);
  return err;
}

/**
 * All optimizer work of a replica — REST solves and the control loop — through one bounded
 * queue and a fixed number of worker threads. Each worker's heap is capped from the memory
 * budget, and a worker is replaced after a job that left the process above the budget (HiGHS'
 * WebAssembly memory grows with an instance and never shrinks), or after 5 s idle. Not after every
 * job: a new worker compiles HiGHS again, on V8's background threads, beside the event loop. A solve is stopped at twice
 * the MILP time limit plus 10 s (sizing runs before it and has no limit of its own).
 */
export class OptimizerPool {
  private readonly pool: WorkerPool<SolveJob, SolveReply>;

  constructor(private readonly opts: OptimizerPoolOptions) {
    this.pool = new WorkerPool({
      what: "the optimizer",
      script: new URL(`./solve-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url),
      size: opts.workers,
      queueLimit: opts.queue,
      resourceLimits: {
        maxOldGenerationSizeMb: Math.max(64, Math.floor(opts.memoryBudgetMib / 4)),
        maxYoungGenerationSizeMb: 8,
      },
      timeoutMs: (opts.limits.timeLimitSeconds * 2 + 10) * 1000,
      recycleAboveRssBytes: opts.memoryBudgetMib * MIB,
      idleMs: 5_000,
      observe: opts.observe,
    });
  }

  /** True when a new REST solve would be turned away: callers answer 429 before reading its body. */
  get full(): boolean {
    return this.pool.busy >= this.opts.workers && this.pool.queued >= this.opts.queue;
  }

  retryAfterSeconds(): number {
    return this.pool.retryAfterSeconds();
  }

  /** Parses, checks and solves a REST body in a worker; throws QueueFullError, OptimizerDataError, InstanceTooLargeError. */
  async solveBody(body: Buffer, solver: SolverName | undefined): Promise<RestSolve> {
    const { bytes, transfer } = movableBytes(body);
    try {
      return (await this.pool.run(
        { kind: "body", body: bytes, solver, limits: this.opts.limits },
        { transfer },
      )) as RestSolve;
    } catch (err) {
      throw localError(err);
    }
  }

  /** The control loop's solve: first in line, never turned away by a full queue (cycles never overlap). */
  async solveSystem(system: SystemSpec, solver?: SolverName): Promise<Solution> {
    try {
      return (await this.pool.run(
        { kind: "system", system, solver, limits: this.opts.limits },
        { priority: true },
      )) as Solution;
    } catch (err) {
      throw localError(err);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
