import type { LoadSpec, PerfSpec, Target } from "./spec.js";
import type { ReplicaModel, ReplicaPerformance, VersionRules } from "./versions/rules.js";

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
  /** V1: average queueing wait; V2/V3: average time to first token; ms. */
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

/** Requests/ms a server must carry: its arrival rate, or the rate its TPS target implies (every version). */
export function demandRate(target: Target, load: LoadSpec): number {
  return target.tps > 0 ? target.tps / (1000 * load.avgOutTokens) : load.arrivalRate / 60_000;
}

/**
 * Replica models by key, built once per key: the bisections behind them are nearly all of sizing's
 * time, and thousands of servers share a few hundred keys. One cache serves one system (the key
 * names the model, accelerator and service class, not their numbers).
 */
export class SizingCache {
  private readonly models = new Map<string, ReplicaModel | null>();

  get size(): number {
    return this.models.size;
  }

  replicaModel(key: string, make: () => ReplicaModel | undefined): ReplicaModel | undefined {
    const known = this.models.get(key);
    if (known !== undefined) return known ?? undefined;
    const made = make();
    this.models.set(key, made ?? null);
    return made;
  }
}

/** No traffic: the minimum replicas, at the batch the data was measured at. */
function zeroLoadSizing(rules: VersionRules, input: SizingInput): Sizing {
  const batchSize = input.batchOverride > 0 ? input.batchOverride : input.perf.maxBatchSize;
  const idle = rules.zeroLoad(input.perf, batchSize);
  return {
    replicas: input.fixedReplicas ?? input.minReplicas,
    batchSize,
    itl: idle.itl,
    latency: idle.latency,
    maxRatePerReplica: idle.maxRate * 60_000,
  };
}

/**
 * Sizes one server on one accelerator by its version's rules: replicas = max(⌈demand / rate⌉,
 * minReplicas), then the performance at demand / replicas — computed when first read (one queue
 * solve), since solvers read it only for the candidates they pick. Undefined when no load meets
 * the SLOs. With a cache, `key` names (model, accelerator, service class); the request size and
 * batch are added here.
 */
export function sizeServer(
  rules: VersionRules,
  input: SizingInput,
  cache?: { cache: SizingCache; key: string },
): Sizing | undefined {
  const { perf, target, load } = input;
  if (load.arrivalRate === 0 || load.avgOutTokens === 0) return zeroLoadSizing(rules, input);
  const batchSize = batchSizeFor(input, load.avgOutTokens);
  const make = (): ReplicaModel | undefined =>
    rules.replicaModel(perf, target, { inTokens: load.avgInTokens, outTokens: load.avgOutTokens }, batchSize);
  const model = cache
    ? cache.cache.replicaModel(`${cache.key}\0${load.avgInTokens}\0${load.avgOutTokens}\0${batchSize}`, make)
    : make();
  if (!model) return undefined;
  const totalRate = demandRate(target, load);
  const replicas = input.fixedReplicas ?? replicasFor(totalRate, model.maxRate, input.minReplicas);
  let at: ReplicaPerformance | undefined;
  const performance = (): ReplicaPerformance => (at ??= model.at(totalRate / Math.max(replicas, 1)));
  return {
    replicas,
    batchSize,
    get itl() {
      return performance().itl;
    },
    get latency() {
      return performance().latency;
    },
    maxRatePerReplica: model.maxRate * 60_000,
  };
}
