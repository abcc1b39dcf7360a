/**
 * inferno's bisection (queue-analysis pkg/utils/utils.go BinarySearch): the most x in [lo, hi]
 * at which a nondecreasing f(x) stays within `target`. `position` says where the target lies:
 * "below" f's range over the interval (even x = lo exceeds it — for a latency limit, even the
 * lightest load is too slow), "above" it (f(hi) ≤ target: every x meets it; x = hi), or "inside"
 * (x found by bisection, f(x) within 1e-6 of the target).
 *
 * Deliberate differences from inferno: inferno reads the direction off f(lo) < f(hi), so a metric
 * that is flat over the whole interval — the wait when the batch is so large that no request ever
 * queues — reads as decreasing, and a target above it as unreachable: the server got no
 * candidate there, and a larger batch made the plan dearer. Every metric bisected here (service
 * time, wait, ITL, TTFT) grows with the load, so the direction is fixed. inferno's tolerance test
 * computes |x − value/value| (a precedence slip), so it runs all 100 halvings; here it stops when
 * f(x) is within the relative tolerance, which moves x by far less than the tolerance of the SLO.
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
  if (yLo > target && !close(yLo, target)) return { x: lo, position: "below" };
  const yHi = f(hi);
  // A metric within tolerance of the target at both ends (flat) meets it everywhere: take hi.
  if (yHi <= target || close(yHi, target)) return { x: hi, position: yHi <= target ? "above" : "inside" };
  if (close(yLo, target)) return { x: lo, position: "inside" };
  let x = lo;
  for (let i = 0; i < ITERATIONS; i++) {
    x = 0.5 * (lo + hi);
    const y = f(x);
    if (close(y, target)) break;
    if (y > target) hi = x;
    else lo = x;
  }
  return { x, position: "inside" };
}
