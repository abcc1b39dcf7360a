import { get, type PlanSpace } from "./plan-space.js";

/** Server s's cheapest candidate off type `off` that fits beside `used`; -1 when none. */
function cheapestFitting(space: PlanSpace, s: number, off: number, used: Float64Array): number {
  for (let j = 0; j < get(space.count, s); j++) {
    const k = space.at(s, j);
    if (get(space.type, k) !== off && space.fitsBeside(k, used)) return j;
  }
  return -1;
}

/** Servers on type t that could move elsewhere, least extra value per card freed first. */
function movableOff(space: PlanSpace, plan: Int32Array, used: Float64Array, t: number): number[] {
  const options: { s: number; perCard: number }[] = [];
  for (let s = 0; s < plan.length; s++) {
    const k = space.chosen(plan, s);
    if (get(space.type, k) !== t || get(space.cards, k) <= 0) continue;
    const j = cheapestFitting(space, s, t, used);
    if (j < 0) continue;
    options.push({ s, perCard: (get(space.value, space.at(s, j)) - get(space.value, k)) / get(space.cards, k) });
  }
  return options.sort((a, b) => a.perCard - b.perCard || a.s - b.s).map((o) => o.s);
}

/**
 * Makes a plan fit: on each overfull type, servers move to their cheapest candidate that fits
 * elsewhere, least extra value per card first. Changes `plan` in place; false when it cannot fit.
 */
export function repairPlan(space: PlanSpace, plan: Int32Array): boolean {
  const used = space.usage(plan);
  for (let t = 0; t < space.types.length; t++) {
    if (!space.overfull(used, t)) continue;
    for (const s of movableOff(space, plan, used, t)) {
      if (!space.overfull(used, t)) break;
      const j = cheapestFitting(space, s, t, used);
      if (j >= 0) space.move(plan, used, s, j);
    }
    if (space.overfull(used, t)) return false;
  }
  return true;
}

/** Moves server s to its cheapest candidate cheaper than its own that fits; whether it moved. */
function improveOne(space: PlanSpace, plan: Int32Array, used: Float64Array, s: number): boolean {
  const from = space.chosen(plan, s);
  const fromValue = get(space.value, from) - 1e-9;
  for (let j = 0; j < get(space.count, s); j++) {
    const k = space.at(s, j);
    if (get(space.value, k) >= fromValue) return false;
    const freed = get(space.type, k) === get(space.type, from) ? get(space.cards, from) : 0;
    if (!space.fitsBeside(k, used, freed)) continue;
    space.move(plan, used, s, j);
    return true;
  }
  return false;
}

/** First-improvement descent over single-server moves, until none helps or `deadline` (performance.now() ms). */
export function localSearch(space: PlanSpace, plan: Int32Array, deadline: number): void {
  const used = space.usage(plan);
  for (let moved = true; moved && performance.now() < deadline;) {
    moved = false;
    for (let s = 0; s < plan.length; s++) if (improveOne(space, plan, used, s)) moved = true;
  }
}
