/**
 * inferno's bisection: find x in [lo, hi] where a monotone f(x) reaches `target`.
 * `position` says where the target lies: "below" f's range over the interval (no x reaches it —
 * for a latency limit, even the lightest load is too slow), "above" it (every x meets it; x = hi),
 * or "inside" (x found by bisection).
 */
export interface BisectionResult {
  x: number;
  position: "below" | "inside" | "above";
}

const ITERATIONS = 100;
const RELATIVE_TOLERANCE = 1e-6;

function close(y: number, target: number): boolean {
  return y === target || (target !== 0 && Math.abs((y - target) / target) <= RELATIVE_TOLERANCE);
}

export function bisect(lo: number, hi: number, target: number, f: (x: number) => number): BisectionResult {
  if (!(lo <= hi)) throw new RangeError(`invalid range [${lo}, ${hi}]`);
  const yLo = f(lo);
  if (close(yLo, target)) return { x: lo, position: "inside" };
  const yHi = f(hi);
  if (close(yHi, target)) return { x: hi, position: "inside" };
  const increasing = yLo < yHi;
  if (increasing ? target < yLo : target > yLo) return { x: lo, position: "below" };
  if (increasing ? target > yHi : target < yHi) return { x: hi, position: "above" };
  let x = lo;
  for (let i = 0; i < ITERATIONS; i++) {
    x = 0.5 * (lo + hi);
    const y = f(x);
    if (close(y, target)) break;
    if (increasing ? target < y : target > y) hi = x;
    else lo = x;
  }
  return { x, position: "inside" };
}
