/**
 * The optimizer's input, normalised from inferno's V1, V2 and V3 data files. V1 describes a request
 * by its length in tokens and decode-only performance (alpha, beta); V2 splits input and output
 * tokens and adds prefill performance (gamma, delta); V3 (`perfParms`) models each iteration as
 * alpha + compute (beta) + memory access (gamma) per token. What each version means is in
 * versions/. Units follow inferno: milliseconds, requests per minute, cents per hour.
 */
export type DataVersion = "v1" | "v2" | "v3";

export interface AcceleratorSpec {
  name: string;
  /** The physical card type capacity is counted in. */
  type: string;
  /** Cards of `type` per accelerator unit (a "2xA100" has multiplicity 2). */
  multiplicity: number;
  /** cents/hour per accelerator unit. */
  cost: number;
}

export interface PerfSpec {
  model: string;
  accelerator: string;
  /** Accelerator units one replica of the model needs. */
  accCount: number;
  maxBatchSize: number;
  atTokens: number;
  /** V1/V2: token (decode iteration) time alpha + beta·n, ms. V3: iteration base time, ms. */
  alpha: number;
  /** V1/V2: ms per request in the batch. V3: compute time per token, ms. */
  beta: number;
  /** V2: prefill base time, ms. V3: memory-access time per token, ms. Zero for V1. */
  gamma: number;
  /** V2: prefill time per input token per request in the batch, ms. Zero for V1 and V3. */
  delta: number;
}

export interface Target {
  /** ms; 0 = none. */
  itl: number;
  /** V1 waiting time, ms; 0 = none. */
  ttw: number;
  /** V2 time to first token, ms; 0 = none. */
  ttft: number;
  /** tokens/second; 0 = none. */
  tps: number;
}

export interface ServiceClassSpec {
  name: string;
  /** Lower is more important; normalised by the data version's rule (versions/). */
  priority: number;
  targets: ReadonlyMap<string, Target>;
}

export interface LoadSpec {
  /** requests/minute */
  arrivalRate: number;
  avgInTokens: number;
  /** Output tokens (V2, V3) or request length (V1). */
  avgOutTokens: number;
}

export interface AllocationData {
  accelerator: string;
  numReplicas: number;
  maxBatch: number;
  cost: number;
  itlAverage: number;
  /** V1 average wait, or V2/V3 average time to first token, ms. */
  latencyAverage: number;
}

export interface ServerSpec {
  name: string;
  serviceClass: string;
  model: string;
  keepAccelerator: boolean;
  minNumReplicas: number;
  /** Overrides the batch size derived from performance data when > 0. */
  maxBatchSize: number;
  /**
   * inferplane's addition: the accelerators (names) this server may run on; undefined: any. The
   * control loop sets it for workloads whose GPU type is fixed or chosen from a list.
   */
  accelerators?: readonly string[];
  load: LoadSpec;
  current?: AllocationData;
}

export const SATURATION_POLICIES = ["None", "PriorityExhaustive", "PriorityRoundRobin", "RoundRobin"] as const;
export type SaturationPolicy = (typeof SATURATION_POLICIES)[number];

export interface OptimizerSpec {
  unlimited: boolean;
  heterogeneous: boolean;
  milpSolver: boolean;
  delayedBestEffort: boolean;
  saturationPolicy: SaturationPolicy;
}

export interface SystemSpec {
  version: DataVersion;
  accelerators: ReadonlyMap<string, AcceleratorSpec>;
  /** Performance data by model, then accelerator name. */
  perf: ReadonlyMap<string, ReadonlyMap<string, PerfSpec>>;
  serviceClasses: ReadonlyMap<string, ServiceClassSpec>;
  servers: readonly ServerSpec[];
  /** Available cards by accelerator type. */
  capacity: ReadonlyMap<string, number>;
  optimizer: OptimizerSpec;
}

/** inferno's name for a server without a class. */
export const DEFAULT_SERVICE_CLASS = "Free";
