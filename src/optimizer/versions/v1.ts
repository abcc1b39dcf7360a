import { bisect } from "../bisection.js";
import { hasField, nonNegativeAt, stringAt } from "../json-fields.js";
import { BirthDeathQueue } from "../queue.js";
import { MAX_QUEUE_TO_BATCH_RATIO, RATE_EPSILON, SLO_MARGIN, STABILITY_SAFETY_FRACTION } from "../sizing.js";
import { current, LAST_CHOICE_DELTA, type GreedyEntry } from "../solvers/greedy-entries.js";
import type { PerfSpec, Target } from "../spec.js";
import { arrivalRateOf, targetFrom, tokensOf } from "./common.js";
import type { ReplicaModel, RequestSize, VersionRules } from "./rules.js";

/** config.PriorityWeightFactor: a class of priority p weighs 1 + 1/(1 + p). */
const PRIORITY_WEIGHT_FACTOR = 1;
/** The largest float32; Go's float32 product overflows past it, to +Inf. */
const MAX_FLOAT32 = 3.4028234663852886e38;

function weightOf(priority: number): number {
  return 1 + PRIORITY_WEIGHT_FACTOR / (1 + priority);
}

/** delta·weight as Go's float32 computes it: a last choice (MaxFloat32) times any weight > 1 is +Inf. */
function weighted(delta: number, weight: number): number {
  const product = delta * weight;
  return delta >= LAST_CHOICE_DELTA && product > MAX_FLOAT32 ? Infinity : product;
}

/**
 * SolveLimited's order: the larger regret weighted by priority first, then the dearer weighted
 * value; no strict priority groups, so a Free server with much to lose goes before a Premium one
 * with little. Every last choice weighs +Inf alike (float32 overflow), whatever its priority.
 */
function weightedRegretOrder(a: GreedyEntry, b: GreedyEntry): number {
  const wa = weightOf(a.entry.priority);
  const wb = weightOf(b.entry.priority);
  const da = weighted(a.delta, wa);
  const db = weighted(b.delta, wb);
  if (da !== db) return db - da;
  return (
    (current(b)?.value ?? 0) * wb - (current(a)?.value ?? 0) * wa ||
    a.entry.server.name.localeCompare(b.entry.server.name)
  );
}

/**
 * V1: a request is K tokens, each costing τ(n) = α + β·n ms in a batch of n, so μ(n) = n / (K·τ(n)),
 * over 10N places. The ITL SLO bounds the mean service time S ≤ K·ITL; the wait SLO is a 95th
 * percentile, met when the mean wait is ≤ TTW / ln 20; the rate per replica is the bisected λ.
 */
function replicaModel(perf: PerfSpec, target: Target, size: RequestSize, batchSize: number): ReplicaModel | undefined {
  const tokens = size.outTokens;
  const n = batchSize;
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
  return {
    batchSize: n,
    maxRate: best,
    at(rate) {
      const stats = queue.solve(rate);
      return { itl: stats.avgServiceTime / tokens, latency: stats.avgWaitTime };
    },
  };
}

/**
 * inferno V1, llm-inferno/optimizer @590a7c2 (pkg/core/allocation.go, pkg/core/serviceclass.go,
 * pkg/solver/solver.go SolveLimited, pkg/config/defaults.go; queue-analysis @402e8a0). Data:
 * `alpha`/`beta` per model entry, one service-class entry per (class, model) with `slo-itl` and
 * `slo-ttw`, loads in `avgLength`. A missing or negative priority is 0. Limited capacity is solved
 * by one regret-ordered pass over all servers (no priority groups, no saturation policy: V1 has
 * none, so saturationPolicy and delayedBestEffort are ignored). V1 gives a server with no traffic
 * no allocation at all; here it gets its minimum replicas, as V2 does.
 */
export const V1: VersionRules = {
  version: "v1",
  source: "llm-inferno/optimizer@590a7c2",
  perfParms(entry, at) {
    if (!hasField(entry, "alpha") || !hasField(entry, "beta")) {
      throw at.error(
        "no performance data: V1 needs alpha and beta (V2 files use decodeParms and prefillParms, V3 files perfParms)",
      );
    }
    return { alpha: nonNegativeAt(entry, "alpha", at), beta: nonNegativeAt(entry, "beta", at), gamma: 0, delta: 0 };
  },
  targets(entry, at) {
    if (hasField(entry, "modelTargets")) throw at.error("modelTargets is V2, but the model data is V1 (alpha/beta)");
    return [[stringAt(entry, "model", at), targetFrom(entry, at)]];
  },
  priority: (declared) => (declared === undefined || declared < 0 ? 0 : declared),
  load: (load, at) => ({
    arrivalRate: arrivalRateOf(load, at),
    avgInTokens: 0,
    avgOutTokens: tokensOf(load, "avgLength", at),
  }),
  latencyKey: "waitAverage",
  replicaModel,
  zeroLoad(perf, batchSize) {
    const fullBatchTime = perf.alpha + perf.beta * batchSize;
    return { itl: perf.alpha + perf.beta, latency: 0, maxRate: batchSize / fullBatchTime };
  },
  greedy: { order: weightedRegretOrder, priorityGroups: false, saturationPolicies: false },
};
