import { bisect } from "../bisection.js";
import { RANGES } from "../limits.js";
import { optionalObject, rangedAt } from "../json-fields.js";
import { queueOf, type BirthDeathQueue } from "../queue.js";
import { MAX_QUEUE_TO_BATCH_RATIO, rateRange, STABILITY_SAFETY_FRACTION } from "../sizing.js";
import type { PerfSpec, Target } from "../spec.js";
import { boundedPriority, decodeParms, inOutLoad, modelTargets, straightPriorityOrder } from "./common.js";
import type { ReplicaModel, ReplicaPerformance, RequestSize, VersionRules } from "./rules.js";

/**
 * A request is a prefill of K_in tokens, γ + δ·K_in·n ms, then K_out − 1 decode steps of α + β·n ms
 * each, over N + 10N places. From the mean service time the effective batch n_eff is solved back,
 * and ITL = α + β·n_eff, TTFT = wait + γ + δ·K_in·n_eff.
 */
class V2Queue implements MeteredQueue {
  private constructor(
    private readonly perf: PerfSpec,
    private readonly size: RequestSize,
    readonly batchSize: number,
    readonly queue: BirthDeathQueue,
  ) {}

  /** Undefined when a request takes no time (one output token, no prefill): see queueOf. */
  static of(perf: PerfSpec, size: RequestSize, batchSize: number): V2Queue | undefined {
    const time = (n: number): number =>
      (size.inTokens === 0 ? 0 : perf.gamma + perf.delta * size.inTokens * n) +
      (size.outTokens - 1) * (perf.alpha + perf.beta * n);
    const queue = queueOf(batchSize, batchSize * (MAX_QUEUE_TO_BATCH_RATIO + 1), time);
    return queue && new V2Queue(perf, size, batchSize, queue);
  }

  prefill(n: number): number {
    return this.size.inTokens === 0 ? 0 : this.perf.gamma + this.perf.delta * this.size.inTokens * n;
  }

  decode(n: number): number {
    return this.perf.alpha + this.perf.beta * n;
  }

  effectiveBatch(serviceTime: number): number {
    const steps = this.size.outTokens - 1;
    const slope = this.perf.delta * this.size.inTokens + this.perf.beta * steps;
    if (slope <= 0) return this.batchSize;
    const n = (serviceTime - (this.perf.gamma + this.perf.alpha * steps)) / slope;
    return Math.min(Math.max(n, 0), this.batchSize);
  }

  metrics(lambda: number): ReplicaPerformance & { throughput: number } {
    const stats = this.queue.solve(lambda);
    const n = this.effectiveBatch(stats.avgServiceTime);
    return { itl: this.decode(n), latency: stats.avgWaitTime + this.prefill(n), throughput: stats.throughput };
  }
}

/** The most λ within the TTFT and ITL targets (bisected) and a TPS target (0.9 of saturation). */
export function limitingRate(
  lo: number,
  hi: number,
  target: Target,
  metrics: (lambda: number) => ReplicaPerformance,
): number | undefined {
  let best = hi;
  if (target.ttft > 0) {
    const found = bisect(lo, hi, target.ttft, (x) => metrics(x).latency);
    if (found.position === "below") return undefined;
    best = Math.min(best, found.x);
  }
  if (target.itl > 0) {
    const found = bisect(lo, hi, target.itl, (x) => metrics(x).itl);
    if (found.position === "below") return undefined;
    best = Math.min(best, found.x);
  }
  if (target.tps > 0) best = Math.min(best, hi * (1 - STABILITY_SAFETY_FRACTION));
  return best;
}

/** A queue model that reports performance and throughput at an arrival rate (V2's and V3's). */
export interface MeteredQueue {
  readonly queue: BirthDeathQueue;
  metrics(lambda: number): ReplicaPerformance & { throughput: number };
}

/**
 * V2's and V3's replica model: bisect in [0.001·μ(1), 0.999·μ(N)] for the most λ within the
 * targets, then size on the throughput reached at that λ, not λ itself (as inferno does).
 */
export function sizedOnThroughput(model: MeteredQueue | undefined, target: Target): ReplicaModel | undefined {
  if (!model) return undefined;
  const { lo, hi } = rateRange(model.queue);
  const best = limitingRate(lo, hi, target, (x) => model.metrics(x));
  if (best === undefined) return undefined;
  return {
    batchSize: model.queue.batchSize,
    maxRate: model.metrics(best).throughput,
    at: (rate) => model.metrics(rate),
  };
}

function replicaModel(perf: PerfSpec, target: Target, size: RequestSize, batchSize: number): ReplicaModel | undefined {
  return sizedOnThroughput(V2Queue.of(perf, size, batchSize), target);
}

/**
 * inferno V2, llm-inferno/optimizer @8a61a92 (pkg/analyzer/queueanalyzer.go, pkg/core/allocation.go,
 * pkg/core/serviceclass.go, pkg/solver/greedy.go). Data: `decodeParms {alpha, beta}` and
 * `prefillParms {gamma, delta}` per model entry, `modelTargets` with `slo-itl`/`slo-ttft` per class,
 * loads in `avgInTokens`/`avgOutTokens`. A priority outside [1, 100] is 100. Limited capacity: the
 * greedy by strict priority groups, each followed by its saturation policy (or all groups first
 * with delayedBestEffort).
 */
export const V2: VersionRules = {
  version: "v2",
  source: "llm-inferno/optimizer@8a61a92",
  perfParms(entry, at) {
    const decode = optionalObject(entry, "decodeParms", at);
    if (!decode) throw at.error("no performance data: decodeParms missing (every entry of a V2 file needs it)");
    const prefill = optionalObject(entry, "prefillParms", at) ?? {};
    const prefillAt = at.at("prefillParms");
    return {
      ...decodeParms(decode, at.at("decodeParms")),
      gamma: rangedAt(prefill, "gamma", prefillAt, RANGES.perfTime, 0),
      delta: rangedAt(prefill, "delta", prefillAt, RANGES.perfTime, 0),
    };
  },
  targets: modelTargets,
  priority: boundedPriority,
  load: inOutLoad,
  latencyKey: "ttftAverage",
  replicaModel,
  zeroLoad(perf, batchSize) {
    const fullBatchTime = perf.gamma + perf.delta + perf.alpha + perf.beta * batchSize;
    return { itl: perf.alpha + perf.beta, latency: perf.gamma + perf.delta, maxRate: batchSize / fullBatchTime };
  },
  greedy: { order: straightPriorityOrder, priorityGroups: true, saturationPolicies: true },
};
