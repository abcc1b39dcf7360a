/**
 * The birth–death queue of one inference server replica (inferno's M/M/1 model with a
 * state-dependent service rate, queue-analysis pkg/queue/mm1modelstatedependent.go): requests
 * arrive at rate λ, up to `capacity` are held, and with n present the server completes them at
 * μ(min(n, N)) — the batch of up to N runs together, so the rate grows with n until the batch is
 * full. Rates are per millisecond.
 */
export interface QueueStats {
  /** Requests completed per ms: λ·(1 − P(full)). */
  throughput: number;
  /** Mean requests in the system (waiting + in service). */
  avgInSystem: number;
  /** Mean requests in service (in the batch): E[min(n, N)]. */
  avgInService: number;
  /** Mean time in service, ms (Little's law over the batch). */
  avgServiceTime: number;
  /** Mean wait before entering the batch, ms: E[max(n − N, 0)] / throughput. */
  avgWaitTime: number;
  /** 1 − P(empty). */
  busy: number;
}

/**
 * Occupancies whose probability is below this fraction of the mass summed so far are not summed.
 * Double precision keeps 2^-53 of a sum, so such terms cannot change any result: this is where
 * the state space is cut, whatever N and the capacity are.
 */
const NEGLIGIBLE = 2 ** -60;
/** Below this |ln ρ|·L a truncated geometric mean is taken from its series (the closed form cancels). */
const SERIES_BELOW = 1e-2;

/** ln Σ_{j=0}^{count−1} r^j and the mean of j under weights r^j, for r = e^lnR; overflow-free. */
export function geometric(lnR: number, count: number): { lnSum: number; mean: number } {
  if (count <= 0) return { lnSum: -Infinity, mean: 0 };
  const last = count - 1;
  if (lnR > 0) {
    // Reversed (j → last − j), the weights fall: the largest term r^last factors out.
    const down = geometric(-lnR, count);
    return { lnSum: down.lnSum + lnR * last, mean: last - down.mean };
  }
  const s = -lnR;
  if (s * count < SERIES_BELOW) {
    // The cumulant series of j uniform on 0..last (mean last/2, variance (count² − 1)/12, fourth
    // cumulant −(count⁴ − 1)/120): the terms left out are O((s·count)⁵), below 1e-14 here.
    const variance = (count * count - 1) / 12;
    const fourth = (count ** 4 - 1) / 120;
    const mean = last / 2 - s * variance + (s ** 3 * fourth) / 6;
    return { lnSum: Math.log(count) - (s * last) / 2 + (s * s * variance) / 2 - (s ** 4 * fourth) / 24, mean };
  }
  // Σ_{j<count} e^{−sj} = (1 − e^{−s·count}) / (1 − e^{−s}); mean = 1/(e^s − 1) − count/(e^{s·count} − 1).
  const lnSum = Math.log(-Math.expm1(-s * count)) - Math.log(-Math.expm1(-s));
  const mean = 1 / Math.expm1(s) - count / Math.expm1(s * count);
  return { lnSum, mean };
}

/**
 * The queue of a server whose request takes `serviceTime(n)` ms with n in the batch (a + b·n with
 * a, b ≥ 0 in every inferno version), so μ(n) = n / serviceTime(n). Undefined when a request takes
 * no time at all (V2's one output token without input): μ is infinite and there is no queue —
 * inferno's own model divides by zero there and never returns.
 */
export function queueOf(
  batchSize: number,
  capacity: number,
  serviceTime: (n: number) => number,
): BirthDeathQueue | undefined {
  if (!(serviceTime(1) > 0)) return undefined;
  return new BirthDeathQueue(capacity, batchSize, (n) => n / serviceTime(n));
}

/** Σ w(n), Σ n·w(n), w(0), w(top) over the batch's states, with w(mode) = 1. */
interface Segment {
  mass: number;
  moment: number;
  empty: number;
  top: number;
}

/** The sum of a tail bounded by a geometric series: term·t/(1−t) (infinite when t ≥ 1). */
function tailBound(term: number, t: number): number {
  return t < 1 ? (term * t) / (1 - t) : Infinity;
}

export class BirthDeathQueue {
  /** μ(N): the rate of a full batch, which also serves every state past N. */
  readonly fullRate: number;

  /**
   * @param capacity the most requests the system holds (waiting + in service), ≥ 1
   * @param batchSize N ≥ 1, the most requests in service
   * @param serviceRate μ(n) for n = 1..N, requests/ms, positive and nondecreasing in n (as every
   *   inferno version's n / (a + b·n) is): solve() finds the distribution's peak by bisection on it.
   */
  constructor(
    readonly capacity: number,
    readonly batchSize: number,
    readonly serviceRate: (n: number) => number,
  ) {
    if (!(batchSize >= 1)) throw new RangeError("a queue serves at least one request at a time");
    if (!(capacity >= 1)) throw new RangeError("a queue holds at least one request");
    this.fullRate = serviceRate(batchSize);
  }

  /** The last state of the batch's segment: N, or the capacity when it is smaller. */
  private get top(): number {
    return Math.min(this.batchSize, this.capacity);
  }

  /** The most likely occupancy within [0, top]: the last n with λ ≥ μ(n) (the weights rise until then). */
  private mode(lambda: number): number {
    let lo = 0;
    let hi = this.top;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (lambda >= this.serviceRate(mid)) lo = mid;
      else hi = mid;
    }
    return hi > lo && lambda >= this.serviceRate(hi) ? hi : lo;
  }

  /**
   * Sums the weights of states 0..top outward from the mode, stopping each way once what is left
   * is NEGLIGIBLE of `outside + mass`: past the mode the ratios only shrink, so what is left is
   * bounded by a geometric series. The work is the width of the distribution, not N.
   */
  private segment(lambda: number, mode: number, outside: (top: number) => number): Segment {
    const s: Segment = { mass: 1, moment: mode, empty: mode === 0 ? 1 : 0, top: mode === this.top ? 1 : 0 };
    let w = 1;
    for (let n = mode + 1; n <= this.top; n++) {
      const t = lambda / this.serviceRate(n);
      w *= t;
      s.mass += w;
      s.moment += n * w;
      if (n === this.top) s.top = w;
      // ≤, not <: at a vanishing load both sides underflow to 0, and what is left is 0 as well.
      else if (t < 1 && tailBound(w, t) * (n + 1 / (1 - t)) <= NEGLIGIBLE * s.moment) break;
    }
    const beyond = outside(s.top);
    w = 1;
    for (let n = mode; n > 0; n--) {
      const u = this.serviceRate(n) / lambda;
      w *= u;
      s.mass += w;
      s.moment += (n - 1) * w;
      if (n === 1) s.empty = w;
      else if (tailBound(w, u) < NEGLIGIBLE * (s.mass + beyond)) break;
    }
    return s;
  }

  /** Stationary statistics at arrival rate λ ≥ 0 requests/ms (λ = 0: an idle server). */
  solve(lambda: number): QueueStats {
    if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`arrival rate must be finite, got ${lambda}`);
    if (lambda === 0)
      return { throughput: 0, avgInSystem: 0, avgInService: 0, avgServiceTime: 0, avgWaitTime: 0, busy: 0 };
    const n = this.batchSize;
    // States N+1..capacity all serve at μ(N): a geometric tail with ratio ρ, summed in closed form.
    const lnRho = Math.log(lambda / this.fullRate);
    const queued = Math.max(this.capacity - n, 0);
    const body = geometric(lnRho, queued - 1); // states N+1 .. capacity−1, relative to N+1
    const lnTail = (top: number): number => Math.log(top) + lnRho + body.lnSum;
    const lnFull = (top: number): number => (queued > 0 ? Math.log(top) + lnRho * queued : -Infinity);
    const seg = this.segment(lambda, this.mode(lambda), (top) => Math.exp(lnTail(top)) + Math.exp(lnFull(top)));
    // Scale everything by the largest of the three parts so that none overflows.
    const lnScale = Math.max(0, lnTail(seg.top), lnFull(seg.top));
    const segment = Math.exp(-lnScale);
    const tail = Math.exp(lnTail(seg.top) - lnScale);
    const full = queued > 0 ? Math.exp(lnFull(seg.top) - lnScale) : segment * seg.top;
    const mass = segment * seg.mass + tail + (queued > 0 ? full : 0);
    // Requests past N wait: 1 + body.mean of them in the tail's states, `queued` when full.
    const waiting = (tail * (1 + body.mean) + (queued > 0 ? full * queued : 0)) / mass;
    const inService = (segment * seg.moment + (tail + (queued > 0 ? full : 0)) * n) / mass;
    const notFull = queued > 0 ? segment * seg.mass + tail : segment * (seg.mass - seg.top);
    const throughput = lambda * (notFull / mass);
    return {
      throughput,
      avgInSystem: inService + waiting,
      avgInService: inService,
      avgServiceTime: inService / throughput,
      avgWaitTime: waiting / throughput,
      busy: 1 - (segment * seg.empty) / mass,
    };
  }
}
