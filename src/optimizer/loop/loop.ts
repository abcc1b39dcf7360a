import type { Logger } from "../../logging.js";
import type { Metrics } from "../../metrics.js";
import { OptimizerDataError } from "../json-fields.js";
import { solveSystem } from "../solve.js";
import type { Solution } from "../solution.js";
import { solutionReport } from "../solution-data.js";
import type { SystemSpec } from "../spec.js";
import { planChanges } from "./actuate.js";
import type { NodeSelectors } from "./capacity.js";
import { collectSystem, managedServers } from "./collect.js";
import type { OptimizerCluster } from "./api.js";
import { readLoads } from "./prometheus.js";

const NODE_SELECTORS_KEY = "accelerator-node-selectors.json";

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
  /** Deployments patched (and, of those, the ones whose patch failed). */
  applied: number;
  failed: string[];
  /** Servers whose load came from their labels, and why. */
  fallbacks: { server: string; reason: string }[];
  skipped: string[];
}

function parseSelectors(text: string | undefined, source: string): NodeSelectors {
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as NodeSelectors;
  } catch (err) {
    throw new OptimizerDataError(`${source}: ${NODE_SELECTORS_KEY}: not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * inferno's control loop: every interval (and on invoke) read the managed Deployments, their load
 * and the capacity, solve, then patch. Everything up to the plan is read-only, so a cycle that
 * fails before actuating — no data, bad data, a solver error, an infeasible instance — changes
 * nothing. Cycles never overlap.
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
    let plan;
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
      const { servers, skipped } = managedServers(await cluster.managedDeployments());
      const selectors = parseSelectors(data[NODE_SELECTORS_KEY], source);
      const nodes = data["capacity-data.json"] === undefined ? await cluster.nodes() : [];
      const readings = await readLoads(this.opts.prometheusUrl, servers, this.opts.window);
      const collected = collectSystem({ data, source, nodes, selectors, servers, loads: readings.loads });
      Object.assign(result, { fallbacks: readings.fallbacks, skipped: [...skipped, ...collected.skipped] });
      solution = await (this.opts.solve ?? ((s: SystemSpec) => solveSystem(s)))(collected.system);
      if (solution.status === "infeasible")
        throw new Error("the solver found no allocation that serves every server in full");
      plan = planChanges(solution, collected.system, servers, selectors);
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
    for (const change of plan) {
      try {
        await cluster.apply(change);
        result.applied++;
        await cluster.event(change);
      } catch (err) {
        result.failed.push(`${change.namespace}/${change.deployment}: ${(err as Error).message}`);
      }
    }
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
