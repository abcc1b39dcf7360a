import { candidateOn, type Candidate, type ServerCandidates } from "../candidates.js";
import { allocationFrom, type ServerAllocation, type Unallocated } from "../solution.js";
import type { OptimizerSpec, SystemSpec } from "../spec.js";
import { rulesFor } from "../versions/index.js";
import {
  current,
  insertSorted,
  makeEntries,
  priorityGroups,
  regret,
  type EntryOrder,
  type GreedyEntry,
} from "./greedy-entries.js";
import { Placement } from "./placement.js";
import { repairServe } from "./repair.js";

interface GreedyState {
  system: SystemSpec;
  placement: Placement;
  order: EntryOrder;
}

/**
 * Serve whole servers in the version's order: each server tries its cheapest candidate that still
 * fits; one that cannot moves to its next and is re-queued by its new regret. Servers nothing fits
 * are then repaired (repair.ts); those still unserved are returned for best effort.
 */
function allocate(state: GreedyState, queue: GreedyEntry[]): GreedyEntry[] {
  const unserved: GreedyEntry[] = [];
  const entries = [...queue];
  for (let top = entries.shift(); top; top = entries.shift()) {
    const candidate = current(top);
    if (!candidate) continue;
    if (state.placement.place(top.entry, candidate)) continue;
    top.index++;
    if (top.index >= top.entry.candidates.length) {
      unserved.push(top);
      continue;
    }
    top.delta = regret(top.entry.candidates, top.index);
    insertSorted(entries, top, state.order);
  }
  return unserved.filter((e) => !repairServe(state.placement, e.entry));
}

/** A server given fewer replicas than it needs, evaluated at that count. */
function partial(state: GreedyState, e: GreedyEntry, candidate: Candidate, replicas: number): void {
  const server = e.entry.server;
  const evaluated = candidateOn(server, candidate.accelerator, state.system, replicas) ?? { ...candidate, replicas };
  const cost = candidate.costPerReplica * replicas;
  state.placement.partial(server.name, allocationFrom(server, { ...evaluated, replicas, cost }, true));
}

/** PriorityExhaustive: one server at a time takes all it can of its first candidate that fits at all. */
function allocateMaximally(state: GreedyState, entries: readonly GreedyEntry[]): void {
  const available = state.placement.available;
  for (const e of entries) {
    for (const candidate of e.entry.candidates) {
      const replicas = available.fit(candidate.acceleratorType, candidate.cardsPerReplica, candidate.replicas);
      if (replicas <= 0 || candidate.cardsPerReplica <= 0) continue;
      available.take(candidate.acceleratorType, replicas * candidate.cardsPerReplica);
      partial(state, e, candidate, replicas);
      break;
    }
  }
}

/** RoundRobin: each server picks its first candidate with a replica's worth free; then one replica each per round. */
function allocateEqually(state: GreedyState, entries: readonly GreedyEntry[]): void {
  const available = state.placement.available;
  const chosen = new Map<GreedyEntry, { candidate: Candidate; replicas: number }>();
  for (const e of entries) {
    const candidate = e.entry.candidates.find(
      (c) => c.cardsPerReplica > 0 && available.of(c.acceleratorType) >= c.cardsPerReplica,
    );
    if (candidate) chosen.set(e, { candidate, replicas: 0 });
  }
  let active = [...chosen.keys()];
  while (active.length > 0) {
    active = active.filter((e) => {
      const ticket = chosen.get(e);
      if (!ticket || ticket.replicas >= ticket.candidate.replicas) return false;
      if (!available.take(ticket.candidate.acceleratorType, ticket.candidate.cardsPerReplica)) return false;
      ticket.replicas++;
      return true;
    });
  }
  for (const [e, ticket] of chosen) if (ticket.replicas > 0) partial(state, e, ticket.candidate, ticket.replicas);
}

function bestEffort(state: GreedyState, unserved: GreedyEntry[], policy: OptimizerSpec["saturationPolicy"]): void {
  if (policy === "PriorityExhaustive") allocateMaximally(state, unserved);
  else if (policy === "PriorityRoundRobin") for (const group of priorityGroups(unserved)) allocateEqually(state, group);
  else if (policy === "RoundRobin") allocateEqually(state, unserved);
}

function runGreedy(state: GreedyState, entries: GreedyEntry[]): void {
  const rules = rulesFor(state.system.version).greedy;
  const { delayedBestEffort, saturationPolicy } = state.system.optimizer;
  const policy = rules.saturationPolicies ? saturationPolicy : "None";
  if (!rules.priorityGroups || delayedBestEffort) bestEffort(state, allocate(state, entries), policy);
  else for (const group of priorityGroups(entries)) bestEffort(state, allocate(state, group), policy);
}

/**
 * inferno's limited greedy as the data's version defines it (versions/): V1 one weighted-regret
 * pass; V2 and V3 priority groups (or all at once with delayedBestEffort), each followed by its
 * saturation policy. Before best effort, a server left with nothing is repaired where moving
 * others makes room (repair.ts).
 */
export function solveGreedy(
  system: SystemSpec,
  servers: readonly ServerCandidates[],
): { allocations: ServerAllocation[]; unallocated: Unallocated[] } {
  const order = rulesFor(system.version).greedy.order;
  const state: GreedyState = { system, placement: new Placement(system.capacity), order };
  runGreedy(state, makeEntries(servers, order));
  const allocations = state.placement.allocations;
  const unallocated = servers
    .filter(({ server }) => !allocations.has(server.name))
    .map(({ server, candidates }) => ({
      server: server.name,
      reason:
        candidates.length === 0 ? "no accelerator meets its SLOs" : "not enough accelerators left for one replica",
    }));
  return { allocations: [...allocations.values()], unallocated };
}
