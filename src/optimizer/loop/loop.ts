import type { Logger } from "../../logging.js";
import type { Metrics } from "../../metrics.js";
import { solveSystem } from "../solve.js";
import type { Solution } from "../solution.js";
import { solutionReport } from "../solution-data.js";
import type { SystemSpec } from "../spec.js";
import { planChanges } from "./actuate.js";
import type { WorkloadChange } from "./change.js";
import type { OptimizerCluster } from "./api.js";
import { describeSkipped, readCycle } from "./read-cycle.js";
import { describeRef } from "./workload.js";

export interface OptimizerLoopOptions {
  cluster: OptimizerCluster;
  /** Where the data ConfigMap is read and the status ConfigMap written. */
  namespace: string;
  configMap: string;
  statusConfigMap: string;
  prometheusUrl: string | undefined;
  /** Prometheus range for rates, e.g. "1m". */
  window: string;
  intervalMs: number;
  log: Logger;
  metrics?: Metrics;
  /** How to solve: serve passes its replica's optimizer pool (off the event loop, bounded); default inline. */
  solve?: (system: SystemSpec) => Promise<Solution>;
}

export interface CycleResult {
  ok: boolean;
  at: string;
  error?: string;
  totalCost?: number;
  /** Objects written — patched, or their Sized condition — and those whose write failed. */
  applied: number;
  failed: string[];
  /** Servers whose load came from their labels, and why. */
  fallbacks: { server: string; reason: string }[];
  skipped: string[];
}

/**
 * inferno's control loop: every interval (and on invoke) read what opted in to sizing — managed
 * Deployments and ModelInfers, InferenceServices with strategy optimizer — their load and the
 * capacity, solve, then write. Everything up to the plan is read-only, so a cycle that fails
 * before actuating — no data, bad data, a solver error, an infeasible instance — changes nothing.
 * Cycles never overlap.
 */
export class OptimizerLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<CycleResult> | undefined;
  private stopped = true;
  last: CycleResult | undefined;

  constructor(private readonly opts: OptimizerLoopOptions) {}

  start(): void {
    this.stopped = false;
    void this.invoke();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Runs a cycle now (after the one in progress, if any) and returns its result. */
  async invoke(): Promise<CycleResult> {
    while (this.running) await this.running;
    clearTimeout(this.timer);
    this.running = this.cycle().finally(() => {
      this.running = undefined;
      if (!this.stopped) this.timer = setTimeout(() => void this.invoke(), this.opts.intervalMs);
    });
    return this.running;
  }

  private async cycle(): Promise<CycleResult> {
    const at = new Date().toISOString();
    const { cluster, log } = this.opts;
    const result: CycleResult = { ok: false, at, applied: 0, failed: [], fallbacks: [], skipped: [] };
    let solution: Solution;
    let plan: WorkloadChange[];
    const started = process.hrtime.bigint();
    try {
      const source = `ConfigMap ${this.opts.namespace}/${this.opts.configMap}`;
      const data = await cluster.configMap(this.opts.namespace, this.opts.configMap);
      if (!data) {
        result.error = `${source} not found: it holds accelerator-data.json, model-data.json, serviceclass-data.json and optimizer-data.json`;
        log.debug("optimizer idle", { reason: result.error });
        this.last = result;
        return result;
      }
      const collected = await readCycle(cluster, data, source, this.opts);
      const { fallbacks } = collected.readings;
      Object.assign(result, { fallbacks, skipped: collected.skipped.map(describeSkipped) });
      solution = await (this.opts.solve ?? ((s: SystemSpec) => solveSystem(s)))(collected.system);
      if (solution.status === "infeasible")
        throw new Error("the solver found no allocation that serves every server in full");
      const why = new Map(fallbacks.map((f) => [f.server, f.reason]));
      plan = planChanges(solution, collected.system, collected.workloads, collected.selectors, collected.skipped, why);
      this.opts.metrics?.optimizerDuration.observe(
        { solver: solution.solver, outcome: solution.status },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    } catch (err) {
      result.error = (err as Error).message;
      this.opts.metrics?.optimizerDuration.observe(
        { solver: "control-loop", outcome: "error" },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
      log.error("optimizer cycle failed; nothing changed", { error: result.error });
      this.last = result;
      return result;
    }
    await this.actuate(plan, result);
    result.totalCost = solution.totalCost;
    result.ok = result.failed.length === 0;
    this.opts.metrics?.optimizerTotalCost.set({ source: "control-loop" }, solution.totalCost);
    await this.writeStatus(solution, result);
    log.info("optimizer cycle", {
      totalCost: solution.totalCost,
      applied: result.applied,
      failed: result.failed.length,
      fallbacks: result.fallbacks.length,
      skipped: result.skipped.length,
    });
    this.last = result;
    return result;
  }

  /** Each change in turn: the patch, then the Sized condition, then the Event; a failure is recorded and the rest go on. */
  private async actuate(plan: readonly WorkloadChange[], result: CycleResult): Promise<void> {
    const now = new Date();
    for (const change of plan) {
      if (!change.patch && !change.sized && !change.event) continue;
      try {
        await this.opts.cluster.apply(change);
        await this.opts.cluster.writeSized(change, now);
        result.applied++;
        await this.opts.cluster.event(change);
      } catch (err) {
        result.failed.push(`${describeRef(change.ref)}: ${(err as Error).message}`);
      }
    }
  }

  private async writeStatus(solution: Solution, result: CycleResult): Promise<void> {
    try {
      await this.opts.cluster.writeConfigMap(this.opts.namespace, this.opts.statusConfigMap, {
        "solution-data.json": JSON.stringify(solutionReport(solution), null, 2),
        "last-cycle.json": JSON.stringify(result, null, 2),
      });
    } catch (err) {
      this.opts.log.warn("could not write the optimizer's status ConfigMap", { error: (err as Error).message });
    }
  }
}
