import type { Candidate, ServerCandidates } from "../candidates.js";

/**
 * A server in inferno's greedy: its candidates cheapest first, the one it is trying now, and its
 * regret `delta` — what it loses if it cannot have this one and must take the next.
 */
export interface GreedyEntry {
  entry: ServerCandidates;
  index: number;
  delta: number;
}

/** Negative when `a` is served before `b` (each data version has its own: versions/). */
export type EntryOrder = (a: GreedyEntry, b: GreedyEntry) => number;

/** inferno uses math.MaxFloat32 for "no next candidate": losing the last one costs everything. */
export const LAST_CHOICE_DELTA = 3.4028234663852886e38;

export function current(e: GreedyEntry): Candidate | undefined {
  return e.entry.candidates[e.index];
}

export function regret(candidates: readonly Candidate[], index: number): number {
  const here = candidates[index];
  const next = candidates[index + 1];
  return here && next ? next.value - here.value : LAST_CHOICE_DELTA;
}

export function makeEntries(servers: readonly ServerCandidates[], order: EntryOrder): GreedyEntry[] {
  return servers
    .filter((s) => s.candidates.length > 0)
    .map((entry) => ({ entry, index: 0, delta: regret(entry.candidates, 0) }))
    .sort(order);
}

export function insertSorted(entries: GreedyEntry[], entry: GreedyEntry, order: EntryOrder): void {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const other = entries[mid];
    if (other && order(other, entry) < 0) lo = mid + 1;
    else hi = mid;
  }
  entries.splice(lo, 0, entry);
}

/** Consecutive runs of equal priority, in order. */
export function priorityGroups(entries: readonly GreedyEntry[]): GreedyEntry[][] {
  const groups: GreedyEntry[][] = [];
  for (const e of entries) {
    const last = groups[groups.length - 1];
    if (last?.[0]?.entry.priority === e.entry.priority) last.push(e);
    else groups.push([e]);
  }
  return groups;
}
