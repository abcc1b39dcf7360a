import { bisect } from "./bisection.js";
import { BirthDeathQueue } from "./queue.js";
import {
  batchSizeFor,
  MAX_QUEUE_TO_BATCH_RATIO,
  RATE_EPSILON,
  replicasFor,
  SLO_MARGIN,
  STABILITY_SAFETY_FRACTION,
  zeroLoadSizing,
  type Sizing,
  type SizingInput,
} from "./sizing.js";

/**
 * V1 (inferno @590a7c2): a request is K tokens, each costing τ(n) = α + β·n ms in a batch of n, so
 * μ(n) = n / (K·τ(n)). The ITL SLO bounds the mean service time S ≤ K·ITL; the wait SLO is a 95th
 * percentile, met when the mean wait is ≤ TTW / ln 20.
 */
export function sizeV1(input: SizingInput): Sizing | undefined {
  const { perf, target, load } = input;
  const tokens = load.avgOutTokens;
  if (load.arrivalRate === 0 || tokens === 0) return zeroLoadSizing(input);
  const n = batchSizeFor(input, tokens);
  const rates = Array.from({ length: n }, (_, i) => (i + 1) / ((perf.alpha + perf.beta * (i + 1)) * tokens));
  const queue = new BirthDeathQueue(n * MAX_QUEUE_TO_BATCH_RATIO, rates);
  const lo = (rates[0] ?? 0) * RATE_EPSILON;
  const hi = (rates[n - 1] ?? 0) * (1 - RATE_EPSILON);

  let best = hi;
  if (target.itl > 0) {
    const found = bisect(lo, hi, tokens * target.itl, (x) => queue.solve(x).avgServiceTime);
    if (found.position === "below") return undefined;
    best = Math.min(best, found.x);
  }
  if (target.ttw > 0) {
    const found = bisect(lo, hi, target.ttw / SLO_MARGIN, (x) => queue.solve(x).avgWaitTime);
    if (found.position === "below") return undefined;
    best = Math.min(best, found.x);
  }
  if (target.tps > 0) best = Math.min(best, hi * (1 - STABILITY_SAFETY_FRACTION));

  const totalRate = target.tps > 0 ? target.tps / (1000 * tokens) : load.arrivalRate / 60_000;
  const replicas = input.fixedReplicas ?? replicasFor(totalRate, best, input.minReplicas);
  const stats = queue.solve(totalRate / Math.max(replicas, 1));
  return {
    replicas,
    batchSize: n,
    itl: stats.avgServiceTime / tokens,
    latency: stats.avgWaitTime,
    maxRatePerReplica: best * 60_000,
  };
}
