import type { Candidate, ServerCandidates } from "../candidates.js";
import { allocationFrom, type ServerAllocation } from "../solution.js";
import { Available } from "./capacity.js";

/** A server served in full by one candidate: the only kind a repair may move. */
export interface Placed {
  entry: ServerCandidates;
  candidate: Candidate;
}

export function cardsOf(candidate: Candidate): number {
  return candidate.replicas * candidate.cardsPerReplica;
}

/** The greedy's working state: free cards, allocations, and who holds which type in full. */
export class Placement {
  readonly available: Available;
  readonly allocations = new Map<string, ServerAllocation>();
  private readonly full = new Map<string, Placed>();
  private readonly holders = new Map<string, Set<string>>();

  constructor(capacity: ReadonlyMap<string, number>) {
    this.available = new Available(capacity);
  }

  /** Serves a server in full by `candidate` if its cards are free. */
  place(entry: ServerCandidates, candidate: Candidate): boolean {
    if (!this.available.take(candidate.acceleratorType, cardsOf(candidate))) return false;
    this.record(entry, candidate);
    return true;
  }

  /** Moves a server served in full to another candidate whose cards the caller checked are free. */
  move(name: string, to: Candidate): void {
    const placed = this.full.get(name);
    if (!placed) throw new Error(`${name} is not served in full`);
    this.available.give(placed.candidate.acceleratorType, cardsOf(placed.candidate));
    this.holders.get(placed.candidate.acceleratorType)?.delete(name);
    if (!this.available.take(to.acceleratorType, cardsOf(to))) throw new Error(`${name}: no room on ${to.accelerator}`);
    this.record(placed.entry, to);
  }

  /** Records a best-effort allocation (fewer replicas than needed); its cards are taken by the caller. */
  partial(name: string, allocation: ServerAllocation): void {
    this.allocations.set(name, allocation);
  }

  /** Servers served in full on a card type. */
  holdersOf(type: string): Placed[] {
    return [...(this.holders.get(type) ?? [])].flatMap((name) => this.full.get(name) ?? []);
  }

  private record(entry: ServerCandidates, candidate: Candidate): void {
    const name = entry.server.name;
    this.full.set(name, { entry, candidate });
    let names = this.holders.get(candidate.acceleratorType);
    if (!names) this.holders.set(candidate.acceleratorType, (names = new Set()));
    names.add(name);
    this.allocations.set(name, allocationFrom(entry.server, candidate));
  }
}
