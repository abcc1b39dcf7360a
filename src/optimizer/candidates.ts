import { SizingCache, sizeServer, type Sizing } from "./sizing.js";
import type { AllocationData, ServerSpec, SystemSpec } from "./spec.js";
import { rulesFor } from "./versions/index.js";

/** Extra cost, as a fraction of both allocations' costs, of moving a server to another accelerator. */
const ACCELERATOR_PENALTY_FACTOR = 0.1;

/** One way to serve a server: an accelerator, sized to its load and SLOs. */
export interface Candidate extends Sizing {
  accelerator: string;
  acceleratorType: string;
  /** Cards of acceleratorType one replica holds (accCount × multiplicity). */
  cardsPerReplica: number;
  /** cents/hour of one replica. */
  costPerReplica: number;
  cost: number;
  /** What the greedy orders by: the cost of getting here from the current allocation. */
  value: number;
}

export interface ServerCandidates {
  server: ServerSpec;
  priority: number;
  /** Feasible candidates, cheapest value first (ties by accelerator name, so runs repeat). */
  candidates: Candidate[];
}

/** inferno's transition penalty from the current allocation (none: an empty one) to a candidate. */
export function transitionValue(
  current: AllocationData | undefined,
  cost: number,
  accelerator: string,
  replicas: number,
): number {
  const from = current ?? { accelerator: "", numReplicas: 0, cost: 0 };
  if (from.accelerator === accelerator) return from.numReplicas === replicas ? 0 : cost - from.cost;
  return ACCELERATOR_PENALTY_FACTOR * (from.cost + cost) + (cost - from.cost);
}

function acceleratorsFor(server: ServerSpec, system: SystemSpec): string[] {
  const current = server.current?.accelerator;
  if (server.keepAccelerator && current !== undefined) return system.accelerators.has(current) ? [current] : [];
  const all = [...system.accelerators.keys()];
  const allowed = server.accelerators;
  return allowed ? all.filter((a) => allowed.includes(a)) : all;
}

/**
 * Sizes a server on an accelerator by its data version's rules, or evaluates a given replica count
 * there; undefined when infeasible. A cache shares replica models across calls on one system.
 */
export function candidateOn(
  server: ServerSpec,
  accelerator: string,
  system: SystemSpec,
  fixedReplicas?: number,
  cache?: SizingCache,
): Candidate | undefined {
  const acc = system.accelerators.get(accelerator);
  const perf = system.perf.get(server.model)?.get(accelerator);
  const target = system.serviceClasses.get(server.serviceClass)?.targets.get(server.model);
  if (!acc || !perf || !target) return undefined;
  const input = {
    perf,
    target,
    load: server.load,
    minReplicas: server.minNumReplicas,
    batchOverride: server.maxBatchSize,
    fixedReplicas,
  };
  const key = `${server.model}\0${accelerator}\0${server.serviceClass}`;
  const sizing = sizeServer(rulesFor(system.version), input, cache && { cache, key });
  if (!sizing) return undefined;
  const costPerReplica = acc.cost * perf.accCount;
  const cost = costPerReplica * sizing.replicas;
  // itl and latency stay lazy (sizing.ts): only the candidates a solver picks are evaluated.
  return {
    replicas: sizing.replicas,
    batchSize: sizing.batchSize,
    maxRatePerReplica: sizing.maxRatePerReplica,
    get itl() {
      return sizing.itl;
    },
    get latency() {
      return sizing.latency;
    },
    accelerator,
    acceleratorType: acc.type,
    cardsPerReplica: perf.accCount * acc.multiplicity,
    costPerReplica,
    cost,
    value: transitionValue(server.current, cost, accelerator, sizing.replicas),
  };
}

function byValue(a: Candidate, b: Candidate): number {
  return a.value - b.value || a.accelerator.localeCompare(b.accelerator);
}

/**
 * Sizes every server on every accelerator it may use. Servers that share (model, accelerator,
 * service class, request size, batch) share one replica model (sizing.ts), so the cost grows with
 * the distinct keys, not with servers × accelerators.
 */
export function computeCandidates(system: SystemSpec, cache = new SizingCache()): ServerCandidates[] {
  return system.servers.map((server) => {
    const candidates: Candidate[] = [];
    for (const accelerator of acceleratorsFor(server, system)) {
      const candidate = candidateOn(server, accelerator, system, undefined, cache);
      if (candidate) candidates.push(candidate);
    }
    candidates.sort(byValue);
    return { server, priority: system.serviceClasses.get(server.serviceClass)?.priority ?? 0, candidates };
  });
}
