import type { Candidate, ServerCandidates } from "../candidates.js";
import { cardsOf, type Placed, type Placement } from "./placement.js";

interface Move {
  placed: Placed;
  to: Candidate;
}

interface Plan {
  candidate: Candidate;
  /** The server's value plus what the moves add. */
  extra: number;
  moves: Move[];
}

/** A held server's cheapest candidate off `type` whose cards are free. */
function cheapestElsewhere(placed: Placed, type: string, free: ReadonlyMap<string, number>): Candidate | undefined {
  return placed.entry.candidates.find(
    (c) => c.acceleratorType !== type && (free.get(c.acceleratorType) ?? 0) >= cardsOf(c),
  );
}

/** Frees the cards `candidate` lacks by moving holders of its type elsewhere, least extra value per card first. */
function planFor(placement: Placement, candidate: Candidate): Plan | undefined {
  const type = candidate.acceleratorType;
  const free = placement.available.snapshot();
  let deficit = cardsOf(candidate) - (free.get(type) ?? 0);
  if (deficit <= 0) return { candidate, extra: candidate.value, moves: [] };
  const options = placement
    .holdersOf(type)
    .flatMap((placed) => {
      const to = cheapestElsewhere(placed, type, free);
      const frees = cardsOf(placed.candidate);
      return to && frees > 0 ? [{ placed, frees, perCard: (to.value - placed.candidate.value) / frees }] : [];
    })
    .sort((a, b) => a.perCard - b.perCard || a.placed.entry.server.name.localeCompare(b.placed.entry.server.name));
  const moves: Move[] = [];
  let extra = candidate.value;
  for (const { placed, frees } of options) {
    if (deficit <= 0) break;
    const to = cheapestElsewhere(placed, type, free);
    if (!to) continue;
    free.set(to.acceleratorType, (free.get(to.acceleratorType) ?? 0) - cardsOf(to));
    deficit -= frees;
    extra += to.value - placed.candidate.value;
    moves.push({ placed, to });
  }
  return deficit <= 0 ? { candidate, extra, moves } : undefined;
}

/**
 * inferplane's repair, not inferno's: serves in full a server the greedy left with nothing when
 * capacity can hold it once servers already served move to other accelerators. Each candidate's
 * missing cards are freed by moving holders of its type to their cheapest candidate that still
 * fits elsewhere; the candidate whose moves add the least value wins. Every server keeps a
 * full, SLO-meeting allocation, so no one served loses service. Returns whether it was served.
 */
export function repairServe(placement: Placement, entry: ServerCandidates): boolean {
  let best: Plan | undefined;
  for (const candidate of entry.candidates) {
    const plan = planFor(placement, candidate);
    if (plan && (!best || plan.extra < best.extra)) best = plan;
  }
  if (!best) return false;
  for (const move of best.moves) placement.move(move.placed.entry.server.name, move.to);
  if (!placement.place(entry, best.candidate)) throw new Error(`repair freed too little for ${entry.server.name}`);
  return true;
}
