import { bisect } from "./bisection.js";
import { BirthDeathQueue } from "./queue.js";
import {
  batchSizeFor,
  MAX_QUEUE_TO_BATCH_RATIO,
  RATE_EPSILON,
  replicasFor,
  STABILITY_SAFETY_FRACTION,
  zeroLoadSizing,
  type Sizing,
  type SizingInput,
} from "./sizing.js";
import type { PerfSpec } from "./spec.js";

/**
 * V2 (inferno @8a61a92): a request is a prefill of K_in tokens, γ + δ·K_in·n ms, then K_out − 1
 * decode steps of α + β·n ms each. From the mean service time the effective batch n_eff is solved
 * back, and ITL = α + β·n_eff, TTFT = wait + γ + δ·K_in·n_eff.
 */
class V2Model {
  readonly queue: BirthDeathQueue;

  constructor(
    private readonly perf: PerfSpec,
    private readonly inTokens: number,
    private readonly outTokens: number,
    readonly batchSize: number,
  ) {
    const rates = Array.from(
      { length: batchSize },
      (_, i) => (i + 1) / (this.prefill(i + 1) + (outTokens - 1) * this.decode(i + 1)),
    );
    this.queue = new BirthDeathQueue(batchSize * (MAX_QUEUE_TO_BATCH_RATIO + 1), rates);
  }

  prefill(n: number): number {
    return this.inTokens === 0 ? 0 : this.perf.gamma + this.perf.delta * this.inTokens * n;
  }

  decode(n: number): number {
    return this.perf.alpha + this.perf.beta * n;
  }

  effectiveBatch(serviceTime: number): number {
    const steps = this.outTokens - 1;
    const slope = this.perf.delta * this.inTokens + this.perf.beta * steps;
    if (slope <= 0) return this.batchSize;
    const n = (serviceTime - (this.perf.gamma + this.perf.alpha * steps)) / slope;
    return Math.min(Math.max(n, 0), this.batchSize);
  }

  metrics(lambda: number): { itl: number; ttft: number; throughput: number } {
    const stats = this.queue.solve(lambda);
    const n = this.effectiveBatch(stats.avgServiceTime);
    return { itl: this.decode(n), ttft: stats.avgWaitTime + this.prefill(n), throughput: stats.throughput };
  }
}

export function sizeV2(input: SizingInput): Sizing | undefined {
  const { perf, target, load } = input;
  if (load.arrivalRate === 0 || load.avgOutTokens === 0) return zeroLoadSizing(input);
  const model = new V2Model(perf, load.avgInTokens, load.avgOutTokens, batchSizeFor(input, load.avgOutTokens));
  const rates = model.queue.serviceRates;
  const lo = (rates[0] ?? 0) * RATE_EPSILON;
  const hi = (rates[rates.length - 1] ?? 0) * (1 - RATE_EPSILON);

  let best = hi;
  if (target.ttft > 0) {
    const found = bisect(lo, hi, target.ttft, (x) => model.metrics(x).ttft);
    if (found.position === "below") return undefined;
    best = Math.min(best, found.x);
  }
  if (target.itl > 0) {
    const found = bisect(lo, hi, target.itl, (x) => model.metrics(x).itl);
    if (found.position === "below") return undefined;
    best = Math.min(best, found.x);
  }
  if (target.tps > 0) best = Math.min(best, hi * (1 - STABILITY_SAFETY_FRACTION));

  // inferno sizes on the throughput reached at the limiting rate, not the rate itself.
  const ratePerReplica = model.metrics(best).throughput;
  const totalRate = target.tps > 0 ? target.tps / load.avgOutTokens / 1000 : load.arrivalRate / 60_000;
  const replicas = input.fixedReplicas ?? replicasFor(totalRate, ratePerReplica, input.minReplicas);
  const at = model.metrics(totalRate / Math.max(replicas, 1));
  return {
    replicas,
    batchSize: model.batchSize,
    itl: at.itl,
    latency: at.ttft,
    maxRatePerReplica: ratePerReplica * 60_000,
  };
}
