import type { LoadSpec, PerfSpec, Target } from "./spec.js";

/** The 95th percentile of an exponential wait is ln(20) ≈ 2.9957 times its mean. */
export const SLO_MARGIN = -Math.log(1 - 0.95);
/** Bisection bounds sit this fraction inside (0, μ(N)). */
export const RATE_EPSILON = 0.001;
/** A throughput target runs this fraction below saturation. */
export const STABILITY_SAFETY_FRACTION = 0.1;
/** Requests held per replica, as multiples of the batch size. */
export const MAX_QUEUE_TO_BATCH_RATIO = 10;

/** How one replica of a model performs on an accelerator at the load it is sized for. */
export interface Sizing {
  replicas: number;
  batchSize: number;
  /** Average inter-token latency, ms. */
  itl: number;
  /** V1: average queueing wait; V2: average time to first token; ms. */
  latency: number;
  /** The most requests/minute one replica takes while meeting every SLO. */
  maxRatePerReplica: number;
}

export interface SizingInput {
  perf: PerfSpec;
  target: Target;
  load: LoadSpec;
  minReplicas: number;
  /** Server override of the batch size; 0 = derive from the performance data. */
  batchOverride: number;
  /** Evaluate this many replicas instead of sizing (a solver that could not give a server all it needs). */
  fixedReplicas?: number;
}

/** N = max(⌊maxBatchSize·atTokens/K⌋, 1): the batch shrinks as requests grow. */
export function batchSizeFor(input: SizingInput, tokens: number): number {
  if (input.batchOverride > 0) return input.batchOverride;
  return Math.max(Math.floor((input.perf.maxBatchSize * input.perf.atTokens) / tokens), 1);
}

export function replicasFor(totalRate: number, ratePerReplica: number, minReplicas: number): number {
  return Math.max(Math.ceil(totalRate / ratePerReplica), minReplicas);
}

/** No traffic: the minimum replicas, at the batch the data was measured at. */
export function zeroLoadSizing(input: SizingInput): Sizing {
  const { perf } = input;
  const batchSize = input.batchOverride > 0 ? input.batchOverride : perf.maxBatchSize;
  const fullBatchTime = perf.gamma + perf.delta + perf.alpha + perf.beta * batchSize;
  return {
    replicas: input.fixedReplicas ?? input.minReplicas,
    batchSize,
    itl: perf.alpha + perf.beta,
    latency: perf.gamma + perf.delta,
    maxRatePerReplica: (batchSize / fullBatchTime) * 60_000,
  };
}
