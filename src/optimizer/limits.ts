import { OptimizerDataError } from "./json-fields.js";
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

/**
 * Physical ranges, beyond which a value is a typo or an attack, never a measurement (checked as
 * the data is read, parse.ts): vLLM's largest `max_num_seqs` is 1024 (4× that here); 10 M
 * requests/minute is ~170 k/s for one server; 10 M tokens is far beyond any model's context; a
 * million cards, accelerators or replicas is beyond any cluster.
 */
export const MAX_BATCH_SIZE = 4096;
export const MAX_ARRIVAL_RATE = 1e7;
/** Below this (one request in ~2000 years) a rate divided into ms underflows; 0 is no load. */
export const MIN_ARRIVAL_RATE = 1e-9;
export const MAX_TOKENS = 1e7;
export const MAX_COUNT = 1e6;

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
  const batch = batchSizeFor(input, Math.max(server.load.avgOutTokens, 1));
  if (batch > MAX_BATCH_SIZE)
    throw new OptimizerDataError(
      `server ${server.name} on ${perf.accelerator}: a batch of ${batch} (maxBatchSize × atTokens / tokens per request) is beyond ${MAX_BATCH_SIZE}; check maxBatchSize and atTokens of ${perf.model}`,
    );
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
  let candidates = 0;
  for (const server of system.servers) {
    const byAccelerator = system.perf.get(server.model);
    for (const perf of byAccelerator?.values() ?? []) checkBatch(server, perf);
    candidates += server.keepAccelerator ? 1 : (byAccelerator?.size ?? 0);
  }
  if (candidates > limits.maxCandidates)
    throw new InstanceTooLargeError(
      `${candidates} server × accelerator candidates exceed the limit of ${limits.maxCandidates} (--optimizer-max-candidates); split the instance or raise the limit`,
    );
}
