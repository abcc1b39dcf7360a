import type { JsonObject, Origin } from "../json-fields.js";
import type { GreedyEntry } from "../solvers/greedy-entries.js";
import type { DataVersion, LoadSpec, PerfSpec, Target } from "../spec.js";

export type PerfParms = Pick<PerfSpec, "alpha" | "beta" | "gamma" | "delta">;

/** Average tokens of one request. */
export interface RequestSize {
  inTokens: number;
  outTokens: number;
}

/** ITL and latency (V1: mean queueing wait; V2/V3: mean time to first token), ms. */
export interface ReplicaPerformance {
  itl: number;
  latency: number;
}

/**
 * One replica of a model on an accelerator, at one request size and batch size: the most load it
 * takes within its SLOs, and how it performs at a given load. It depends on neither the arrival
 * rate nor the replica count, so one model serves every server that shares (model, accelerator,
 * targets, request size, batch size).
 */
export interface ReplicaModel {
  batchSize: number;
  /** Requests/ms one replica carries while meeting every SLO (inferno's maxArrvRatePerReplica). */
  maxRate: number;
  /** Performance at `rate` requests/ms per replica. */
  at(rate: number): ReplicaPerformance;
}

/** How the limited greedy orders and groups servers. */
export interface GreedyRules {
  /** Negative when `a` is served before `b`. */
  readonly order: (a: GreedyEntry, b: GreedyEntry) => number;
  /** Serve each priority group (and give it best effort) before the next. */
  priorityGroups: boolean;
  /** The saturation policies and delayedBestEffort apply. */
  saturationPolicies: boolean;
}

/**
 * Everything in which one inferno data version differs from another, in one object per version
 * (v1.ts, v2.ts, v3.ts). What they share (the birth–death queue, the bisection, the batch size,
 * replicas = ⌈demand / rate⌉, the transition penalty) is in the files those import.
 */
export interface VersionRules {
  readonly version: DataVersion;
  /** The inferno source the rules are read from: repository @ commit. */
  readonly source: string;
  /** One model-data entry's performance parameters. */
  perfParms(entry: JsonObject, at: Origin): PerfParms;
  /** One service-class entry's SLO targets, as (model, target) pairs. */
  targets(entry: JsonObject, at: Origin): [string, Target][];
  /** A class's priority as inferno holds it, from the declared one (undefined when absent). */
  readonly priority: (declared: number | undefined) => number;
  /** A server's currentAlloc.load. */
  load(load: JsonObject, at: Origin): LoadSpec;
  /** solution-data's key for `latency`. */
  readonly latencyKey: "waitAverage" | "ttftAverage";
  /** The replica model, or undefined when even the lightest load misses an SLO. */
  replicaModel(perf: PerfSpec, target: Target, size: RequestSize, batchSize: number): ReplicaModel | undefined;
  /** A server with no traffic, at `batchSize`: ITL, latency and the nominal rate (requests/ms). */
  zeroLoad(perf: PerfSpec, batchSize: number): ReplicaPerformance & { maxRate: number };
  readonly greedy: GreedyRules;
}
