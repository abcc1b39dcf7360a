import { OptimizerDataError, type NumberRange } from "./json-fields.js";
import { batchSizeFor } from "./sizing.js";
import type { PerfSpec, ServerSpec, SystemSpec } from "./spec.js";

/**
 * How large an instance one replica solves. Memory and CPU grow with the candidates (each server
 * on each accelerator its model has data for: one queue model each, one MILP column each) and with
 * the batch size (the queue model holds ~11 states per batch slot). Measured (bench, MILP, 10 s):
 * 13.5 k candidates (1000 servers × 20 accelerators) peak ~90 MiB above the idle process, 68 k ~400.
 */
export interface InstanceLimits {
  maxServers: number;
  maxCandidates: number;
  /** HiGHS' time limit per MILP, s. */
  timeLimitSeconds: number;
}

export const DEFAULT_INSTANCE_LIMITS: InstanceLimits = {
  maxServers: 1000,
  maxCandidates: 20_000,
  timeLimitSeconds: 10,
};

/** A time parameter of the performance model: 0, or 1 ps to 1000 s. */
const PERF_TIME: NumberRange = { min: 0, max: 1e6, unit: "ms", positiveMin: 1e-9 };
/** An SLO target, 0 = none: up to 10⁹ ms (11 days). */
const SLO_TIME: NumberRange = { min: 0, max: 1e9, unit: "ms" };
/** Tokens of a request (0: no load, or no input). */
const TOKENS: NumberRange = { min: 0, max: 1e7, unit: "tokens", integer: true };
/** A replica or card count. */
const COUNT: NumberRange = { min: 0, max: 1e6, unit: "", integer: true };

/**
 * The range of every number inferplane reads from inferno's data files, in the files' own units
 * (milliseconds, requests/minute, tokens, cents/hour): the one table of them. The parser (parse.ts,
 * versions/) refuses a value outside its range as an OptimizerDataError naming the file, the entry
 * and the range. inferno itself checks none of them (Go decodes any number; its model then divides
 * by zero, overflows float32 or allocates a batch-sized array). Beyond its range a value is a typo
 * or an attack, never a measurement: vLLM's largest `max_num_seqs` is 1024 (4× that here); 10 M
 * requests/minute is ~170 k/s for one server; 10 M tokens is far beyond any model's context; a
 * million cards or replicas is beyond any cluster. Within them nothing the solvers derive
 * overflows a double or underflows a rate to 0.
 * Numbers inferplane does not read (memSize, memBW, power, arrivalCOV, …) are not checked.
 */
export const RANGES = {
  /** accelerator-data: cards of its type per accelerator unit; default 1 (0 was read as 1 before: refused now). */
  multiplicity: { min: 1, max: 1024, unit: "cards", integer: true },
  /** accelerator-data: cost of one unit. */
  acceleratorCost: { min: 0, max: 1e9, unit: "cents/hour" },
  /** capacity-data: cards of a type available. */
  capacityCount: COUNT,
  /** model-data: accelerator units one replica takes; default 1 (0 was read as 1 before: refused now). */
  accCount: { min: 1, max: 1024, unit: "accelerator units", integer: true },
  /** model-data: the batch measured at atTokens tokens per request. */
  maxBatchSize: { min: 1, max: 4096, unit: "requests", integer: true },
  /** model-data: the request size maxBatchSize was measured at. */
  atTokens: { min: 1, max: 1e7, unit: "tokens", integer: true },
  /** model-data: V1 alpha/beta, V2 decodeParms and prefillParms, V3 perfParms. */
  perfTime: PERF_TIME,
  /** serviceclass-data: any whole number; V1 reads a negative one as 0, V2/V3 one outside [1, 100] as 100. */
  priority: { min: -(2 ** 53 - 1), max: 2 ** 53 - 1, unit: "", integer: true },
  /** serviceclass-data: slo-itl, slo-ttw, slo-ttft. */
  sloTime: SLO_TIME,
  /** serviceclass-data: slo-tps. */
  sloTps: { min: 0, max: 1e12, unit: "tokens/s" },
  /** server-data: minNumReplicas. */
  minReplicas: { min: 0, max: 1e6, unit: "replicas", integer: true },
  /** server-data: maxBatchSize, the batch override; 0 = derive it from the model data. */
  batchOverride: { min: 0, max: 4096, unit: "requests", integer: true },
  /** server-data: currentAlloc.load.arrivalRate; 0 is no load, below 10⁻⁹ (one request in ~2000 years) a rate divided into ms underflows. */
  arrivalRate: { min: 0, max: 1e7, unit: "requests/minute", positiveMin: 1e-9 },
  /** server-data: currentAlloc.load.avgLength (V1), avgInTokens and avgOutTokens (V2, V3). */
  tokens: TOKENS,
  /** server-data: currentAlloc.numReplicas and maxBatch. */
  allocationCount: COUNT,
  /** server-data: currentAlloc.cost. */
  allocationCost: { min: 0, max: 1e18, unit: "cents/hour" },
  /** server-data: currentAlloc.itlAverage, waitAverage, ttftAverage. */
  allocationTime: { min: 0, max: 1e12, unit: "ms" },
} as const satisfies Record<string, NumberRange>;

/**
 * The batch a replica's KV cache holds in tokens (maxBatchSize × atTokens): the batch for a
 * request of K tokens is this / K (inferno's rule), so it bounds every batch, and with it the
 * states a queue may need, to 10¹⁰ (a KV cache of ten billion tokens is petabytes).
 */
export const MAX_BATCH_TOKENS = 1e10;

/** An instance over a configured size limit (HTTP 413): the data may be right, it is too much. */
export class InstanceTooLargeError extends OptimizerDataError {
  constructor(message: string) {
    super(message);
    this.name = "InstanceTooLargeError";
  }
}

const NO_TARGET = { itl: 0, ttw: 0, ttft: 0, tps: 0 };

/** The batch sizing would model (sizing.ts's rule), which sets the size of its queue model. */
function checkBatch(server: ServerSpec, perf: PerfSpec): void {
  const input = { perf, target: NO_TARGET, load: server.load, minReplicas: 0, batchOverride: server.maxBatchSize };
  const tokens = Math.max(server.load.avgOutTokens, 1);
  const batch = batchSizeFor(input, tokens);
  if (batch > RANGES.maxBatchSize.max)
    throw new OptimizerDataError(
      `server ${server.name} on ${perf.accelerator}: a batch of ${batch} (maxBatchSize ${perf.maxBatchSize} × atTokens ${perf.atTokens} / ${tokens} tokens per request) is beyond ${RANGES.maxBatchSize.max}; check maxBatchSize and atTokens of ${perf.model}, or the server's request length`,
    );
}

/** Every server's batch on every accelerator within range (checkBatch): the CLI and REST refuse alike. */
export function checkBatches(system: SystemSpec): void {
  for (const server of system.servers)
    for (const perf of system.perf.get(server.model)?.values() ?? []) checkBatch(server, perf);
}

/**
 * Refuses, before any sizing, an instance larger than this replica solves (413, naming the flag
 * to raise) or whose batch sizes would be out of range (400, naming the server).
 */
export function checkInstance(system: SystemSpec, limits: InstanceLimits): void {
  if (system.servers.length > limits.maxServers)
    throw new InstanceTooLargeError(
      `${system.servers.length} servers exceed the limit of ${limits.maxServers} (--optimizer-max-servers)`,
    );
  checkBatches(system);
  let candidates = 0;
  for (const server of system.servers) {
    const byAccelerator = system.perf.get(server.model);
    candidates += server.keepAccelerator ? 1 : (byAccelerator?.size ?? 0);
  }
  if (candidates > limits.maxCandidates)
    throw new InstanceTooLargeError(
      `${candidates} server × accelerator candidates exceed the limit of ${limits.maxCandidates} (--optimizer-max-candidates); split the instance or raise the limit`,
    );
}
