import type { Candidate, ServerCandidates } from "../../src/optimizer/candidates.js";
import type { DataVersion, OptimizerSpec, ServerSpec, SystemSpec } from "../../src/optimizer/spec.js";

/** A hand-made candidate on a one-card accelerator type of the same name; value as inferno's from no allocation (1.1 × cost). */
export function candidate(accelerator: string, replicas: number, costPerReplica: number): Candidate {
  return {
    accelerator,
    acceleratorType: accelerator,
    cardsPerReplica: 1,
    costPerReplica,
    cost: costPerReplica * replicas,
    value: costPerReplica * replicas * 1.1,
    replicas,
    batchSize: 8,
    itl: 10,
    latency: 5,
    maxRatePerReplica: 60,
  };
}

export function server(name: string, priority: number, candidates: Candidate[]): ServerCandidates {
  const spec: ServerSpec = {
    name,
    serviceClass: `p${priority}`,
    model: "m",
    keepAccelerator: false,
    minNumReplicas: 0,
    maxBatchSize: 0,
    load: { arrivalRate: 60, avgInTokens: 0, avgOutTokens: 512 },
  };
  return { server: spec, priority, candidates };
}

/** A system with only capacity and optimizer settings: enough for solvers given candidates by hand. */
export function limitedSystem(
  version: DataVersion,
  capacity: Record<string, number>,
  optimizer: Partial<OptimizerSpec> = {},
): SystemSpec {
  return {
    version,
    accelerators: new Map(),
    perf: new Map(),
    serviceClasses: new Map(),
    servers: [],
    capacity: new Map(Object.entries(capacity)),
    optimizer: {
      unlimited: false,
      heterogeneous: false,
      milpSolver: false,
      delayedBestEffort: false,
      saturationPolicy: "None",
      ...optimizer,
    },
  };
}
