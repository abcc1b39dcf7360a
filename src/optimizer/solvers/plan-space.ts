import type { ServerCandidates } from "../candidates.js";
import { cardsOf } from "./placement.js";

/** Reads a typed array where the index is known to be in range. */
export function get(array: Float64Array | Int32Array, i: number): number {
  return array[i] ?? 0;
}

/** Adds to a typed array's entry. */
export function add(array: Float64Array, i: number, amount: number): void {
  array[i] = get(array, i) + amount;
}

/**
 * The single-accelerator assignment problem in flat arrays: every candidate of every server with
 * its value, card type (an index) and cards; capacity per type. A plan picks one candidate per
 * server (by its index in the server's sorted list). Only servers with candidates take part.
 */
export class PlanSpace {
  readonly servers: readonly ServerCandidates[];
  readonly start: Int32Array;
  readonly count: Int32Array;
  readonly value: Float64Array;
  readonly type: Int32Array;
  readonly cards: Float64Array;
  readonly capacity: Float64Array;
  readonly types: readonly string[];

  constructor(servers: readonly ServerCandidates[], capacity: ReadonlyMap<string, number>) {
    this.servers = servers.filter((s) => s.candidates.length > 0);
    const typeIndex = new Map<string, number>();
    const total = this.servers.reduce((n, s) => n + s.candidates.length, 0);
    this.start = new Int32Array(this.servers.length);
    this.count = new Int32Array(this.servers.length);
    this.value = new Float64Array(total);
    this.type = new Int32Array(total);
    this.cards = new Float64Array(total);
    let k = 0;
    this.servers.forEach((s, i) => {
      this.start[i] = k;
      this.count[i] = s.candidates.length;
      for (const c of s.candidates) {
        let t = typeIndex.get(c.acceleratorType);
        if (t === undefined) typeIndex.set(c.acceleratorType, (t = typeIndex.size));
        this.value[k] = c.value;
        this.type[k] = t;
        this.cards[k] = cardsOf(c);
        k++;
      }
    });
    this.types = [...typeIndex.keys()];
    this.capacity = Float64Array.from(this.types, (t) => capacity.get(t) ?? 0);
  }

  /** The flat index of server s's candidate j. */
  at(s: number, j: number): number {
    return get(this.start, s) + j;
  }

  /** The flat index of the candidate the plan gives server s. */
  chosen(plan: Int32Array, s: number): number {
    return this.at(s, get(plan, s));
  }

  valueOf(plan: Int32Array): number {
    let sum = 0;
    for (let s = 0; s < plan.length; s++) sum += get(this.value, this.chosen(plan, s));
    return sum;
  }

  usage(plan: Int32Array): Float64Array {
    const used = new Float64Array(this.types.length);
    for (let s = 0; s < plan.length; s++) {
      const k = this.chosen(plan, s);
      add(used, get(this.type, k), get(this.cards, k));
    }
    return used;
  }

  /** Whether candidate k fits beside `used`, less `freed` cards of its type. */
  fitsBeside(k: number, used: Float64Array, freed = 0): boolean {
    const t = get(this.type, k);
    return get(used, t) - freed + get(this.cards, k) <= get(this.capacity, t);
  }

  overfull(used: Float64Array, t: number): boolean {
    return get(used, t) > get(this.capacity, t);
  }

  fits(plan: Int32Array): boolean {
    const used = this.usage(plan);
    return used.every((_, t) => !this.overfull(used, t));
  }

  /** Moves server s to its candidate j, keeping `used` current. */
  move(plan: Int32Array, used: Float64Array, s: number, j: number): void {
    const from = this.chosen(plan, s);
    const to = this.at(s, j);
    add(used, get(this.type, from), -get(this.cards, from));
    add(used, get(this.type, to), get(this.cards, to));
    plan[s] = j;
  }
}
