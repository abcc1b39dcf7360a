import { localSearch, repairPlan } from "./local-search.js";
import { add, get, type PlanSpace } from "./plan-space.js";

export interface Improved {
  plan: Int32Array;
  value: number;
  /** A proven lower bound on any plan's value (the best Lagrangian dual found). */
  bound: number;
}

const MAX_ITERATIONS = 400;
const STALL_ITERATIONS = 6;

/** Server s's candidate least in value + the price of its cards, and that priced value. */
function cheapestPriced(space: PlanSpace, prices: Float64Array, s: number): [number, number] {
  let best = 0;
  let bestCost = Infinity;
  for (let j = 0; j < get(space.count, s); j++) {
    const k = space.at(s, j);
    const cost = get(space.value, k) + get(prices, get(space.type, k)) * get(space.cards, k);
    if (cost < bestCost) [best, bestCost] = [j, cost];
  }
  return [best, bestCost];
}

/** Each server at its cheapest priced candidate: fills `plan` and the card excess per type; returns L(λ). */
function priced(space: PlanSpace, prices: Float64Array, plan: Int32Array, excess: Float64Array): number {
  let dual = 0;
  for (let t = 0; t < prices.length; t++) {
    dual -= get(prices, t) * get(space.capacity, t);
    excess[t] = -get(space.capacity, t);
  }
  for (let s = 0; s < plan.length; s++) {
    const [j, cost] = cheapestPriced(space, prices, s);
    plan[s] = j;
    dual += cost;
    add(excess, get(space.type, space.at(s, j)), get(space.cards, space.at(s, j)));
  }
  return dual;
}

/** The subgradient's squared length, with a free type's negative excess dropped (its price stays 0). */
function projectedNorm(prices: Float64Array, excess: Float64Array): number {
  let norm = 0;
  for (let t = 0; t < excess.length; t++) {
    if (get(prices, t) <= 0 && get(excess, t) < 0) excess[t] = 0;
    norm += get(excess, t) ** 2;
  }
  return norm;
}

/**
 * Improves a plan that fits by Lagrangian relaxation of the card limits: subgradient steps on a
 * price per card type (Polyak steps toward the best plan's value, halved when the dual stalls);
 * each priced assignment is repaired to fit and improved by single-server moves, and the best plan
 * found is kept. Stops at `deadline` (performance.now() ms), after MAX_ITERATIONS, or when the
 * dual bound meets the best plan.
 */
export function improvePlan(space: PlanSpace, start: Int32Array, deadline: number): Improved {
  let best = Int32Array.from(start);
  localSearch(space, best, deadline);
  let bestValue = space.valueOf(best);
  let bound = -Infinity;
  const prices = new Float64Array(space.types.length);
  const plan = new Int32Array(start.length);
  const excess = new Float64Array(space.types.length);
  let step = 2;
  let stall = 0;
  for (let i = 0; i < MAX_ITERATIONS && performance.now() < deadline; i++) {
    const dual = priced(space, prices, plan, excess);
    if (dual > bound + 1e-9) [bound, stall] = [dual, 0];
    else if (++stall >= STALL_ITERATIONS) [step, stall] = [step / 2, 0];
    if (repairPlan(space, plan)) {
      localSearch(space, plan, deadline);
      const value = space.valueOf(plan);
      if (value < bestValue) [best, bestValue] = [Int32Array.from(plan), value];
    }
    const norm = projectedNorm(prices, excess);
    if (norm === 0 || bestValue - bound <= 1e-9 * Math.max(1, Math.abs(bestValue))) break;
    const length = (step * (bestValue - dual)) / norm;
    for (let t = 0; t < prices.length; t++) prices[t] = Math.max(0, get(prices, t) + length * get(excess, t));
  }
  return { plan: best, value: bestValue, bound: Math.min(bound, bestValue) };
}
