import { RANGES } from "../limits.js";
import { optionalObject, rangedAt } from "../json-fields.js";
import { queueOf, type BirthDeathQueue } from "../queue.js";
import { MAX_QUEUE_TO_BATCH_RATIO } from "../sizing.js";
import type { PerfSpec, Target } from "../spec.js";
import { boundedPriority, inOutLoad, modelTargets, straightPriorityOrder } from "./common.js";
import type { ReplicaModel, ReplicaPerformance, RequestSize, VersionRules } from "./rules.js";
import { sizedOnThroughput, type MeteredQueue } from "./v2.js";

/**
 * queue-analysis's LLMQueueAnalyzer: an iteration over a batch of n takes
 * T(n) = α + n·(β·(K_in + K_out)/(K_out + 1) + γ·(K_in + K_out/2)) ms; a prefill takes
 * T(n) + (β + γ)·K_in (none without input tokens) and each of the K_out decode steps
 * T(n) + β + γ·(K_in + K_out/2), so μ(n) = n / (prefill(n) + K_out·decode(n)) over N + 10N places.
 * At a rate, with n̄ requests in service on average: ITL = (S − prefill(n̄)) / K_out and
 * TTFT = wait + prefill(n̄) + ITL.
 */
class V3Queue implements MeteredQueue {
  private readonly slope: number;
  queue!: BirthDeathQueue;

  private constructor(
    private readonly perf: PerfSpec,
    private readonly size: RequestSize,
  ) {
    const { inTokens, outTokens } = size;
    this.slope = perf.beta * ((inTokens + outTokens) / (outTokens + 1)) + perf.gamma * (inTokens + outTokens / 2);
  }

  /** Undefined when a request takes no time, which all-zero parameters (skipped before) alone give. */
  static of(perf: PerfSpec, size: RequestSize, batchSize: number): V3Queue | undefined {
    const model = new V3Queue(perf, size);
    const time = (n: number): number => model.prefill(n) + size.outTokens * model.decode(n);
    const queue = queueOf(batchSize, batchSize * (MAX_QUEUE_TO_BATCH_RATIO + 1), time);
    if (!queue) return undefined;
    model.queue = queue;
    return model;
  }

  private iteration(n: number): number {
    return this.perf.alpha + n * this.slope;
  }

  prefill(n: number): number {
    const { inTokens } = this.size;
    return inTokens === 0 ? 0 : this.iteration(n) + (this.perf.beta + this.perf.gamma) * inTokens;
  }

  decode(n: number): number {
    const { inTokens, outTokens } = this.size;
    return this.iteration(n) + this.perf.beta + this.perf.gamma * (inTokens + outTokens / 2);
  }

  metrics(lambda: number): ReplicaPerformance & { throughput: number } {
    const stats = this.queue.solve(lambda);
    const prefill = this.prefill(stats.avgInService);
    const itl = (stats.avgServiceTime - prefill) / this.size.outTokens;
    return { itl, latency: stats.avgWaitTime + prefill + itl, throughput: stats.throughput };
  }
}

function replicaModel(perf: PerfSpec, target: Target, size: RequestSize, batchSize: number): ReplicaModel | undefined {
  // optimizer-light v0.7.4 (4f3d1fa) skips all-zero parameters: a tuner that has not converged.
  if (perf.alpha === 0 && perf.beta === 0 && perf.gamma === 0) return undefined;
  return sizedOnThroughput(V3Queue.of(perf, size, batchSize), target);
}

/**
 * inferno V3, llm-inferno/optimizer-light v0.7.0 @09274e0 (pkg/core/allocation.go,
 * pkg/solver/greedy.go) with llm-inferno/queue-analysis v0.3.0 @af55165
 * (pkg/analyzer/queueanalyzer.go): the code behind the published solutions of
 * llm-inferno/sample-data @125ab02. Data: `perfParms {alpha, beta, gamma}` per model entry, classes
 * and loads as V2; TTFT includes the first decode step. Later optimizer-light releases change the
 * queue (v0.7.5 holds a server's own `maxQueueSize`, default 0, instead of 10N; queue-analysis
 * v0.4.0 counts (K_out + 1)/2 tokens per decode step), which would no longer reproduce those
 * solutions; they are not followed. The greedy and its saturation policies are V2's.
 */
export const V3: VersionRules = {
  version: "v3",
  source: "llm-inferno/optimizer-light@09274e0",
  perfParms(entry, at) {
    const parms = optionalObject(entry, "perfParms", at);
    if (!parms) throw at.error("no performance data: perfParms missing (every entry of a V3 file needs it)");
    const parmsAt = at.at("perfParms");
    return {
      alpha: rangedAt(parms, "alpha", parmsAt, RANGES.perfTime),
      beta: rangedAt(parms, "beta", parmsAt, RANGES.perfTime),
      gamma: rangedAt(parms, "gamma", parmsAt, RANGES.perfTime, 0),
      delta: 0,
    };
  },
  targets: modelTargets,
  priority: boundedPriority,
  load: inOutLoad,
  latencyKey: "ttftAverage",
  replicaModel,
  zeroLoad(perf, batchSize) {
    const decode = perf.alpha + perf.beta;
    const ttft = decode + perf.gamma * batchSize;
    const busiest = ttft + perf.alpha + perf.beta * batchSize;
    return { itl: decode, latency: ttft, maxRate: busiest > 0 ? batchSize / busiest : 0 };
  },
  greedy: { order: straightPriorityOrder, priorityGroups: true, saturationPolicies: true },
};
