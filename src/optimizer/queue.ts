/**
 * The birth–death queue of one inference server replica (inferno's M/M/1 model with a
 * state-dependent service rate): requests arrive at rate λ, up to `capacity` are held, and with n
 * present the server completes them at serviceRates[min(n, N) − 1] — the batch of up to N runs
 * together, so the rate grows with n until the batch is full. Rates are per millisecond.
 */
export interface QueueStats {
  /** Requests completed per ms: λ·(1 − P(full)). */
  throughput: number;
  /** Mean requests in the system (waiting + in service). */
  avgInSystem: number;
  /** Mean requests in service (in the batch). */
  avgInService: number;
  /** Mean time in service, ms (Little's law over the batch). */
  avgServiceTime: number;
  /** Mean wait before entering the batch, ms. */
  avgWaitTime: number;
  /** 1 − P(empty). */
  busy: number;
}

// Past this, probabilities are rescaled so that long chains at high load never overflow.
const RESCALE_ABOVE = 1e250;
const RESCALE_BY = 1e-250;

export class BirthDeathQueue {
  private readonly p: Float64Array;

  /**
   * @param capacity the most requests the system holds (waiting + in service)
   * @param serviceRates completion rate with n = 1..N requests in service
   */
  constructor(
    readonly capacity: number,
    readonly serviceRates: readonly number[],
  ) {
    if (serviceRates.length === 0) throw new RangeError("a queue needs at least one service rate");
    if (capacity < 1) throw new RangeError("a queue holds at least one request");
    this.p = new Float64Array(capacity + 1);
  }

  get batchSize(): number {
    return this.serviceRates.length;
  }

  private rateWith(n: number): number {
    const rates = this.serviceRates;
    return rates[Math.min(n, rates.length) - 1] ?? 0;
  }

  /** Unnormalised occupancy probabilities p(n+1) = p(n)·λ/μ(n+1), rescaled as they grow. */
  private fillProbabilities(lambda: number): number {
    const p = this.p;
    p[0] = 1;
    let sum = 1;
    for (let n = 0; n < this.capacity; n++) {
      let next = ((p[n] ?? 0) * lambda) / this.rateWith(n + 1);
      if (next > RESCALE_ABOVE) {
        for (let i = 0; i <= n; i++) p[i] = (p[i] ?? 0) * RESCALE_BY;
        sum *= RESCALE_BY;
        next *= RESCALE_BY;
      }
      p[n + 1] = next;
      sum += next;
    }
    return sum;
  }

  solve(lambda: number): QueueStats {
    if (!(lambda > 0) || !Number.isFinite(lambda)) throw new RangeError(`arrival rate must be positive, got ${lambda}`);
    const p = this.p;
    const sum = this.fillProbabilities(lambda);
    const n = this.batchSize;
    let inSystem = 0;
    let inServiceWhenNotFull = 0;
    let probabilityUpToN = 0;
    for (let i = 0; i <= this.capacity; i++) {
      const pi = (p[i] ?? 0) / sum;
      inSystem += i * pi;
      if (i <= n) {
        inServiceWhenNotFull += i * pi;
        probabilityUpToN += pi;
      }
    }
    const avgInService = inServiceWhenNotFull + Math.max(1 - probabilityUpToN, 0) * n;
    const throughput = lambda * (1 - (p[this.capacity] ?? 0) / sum);
    const avgServiceTime = avgInService / throughput;
    return {
      throughput,
      avgInSystem: inSystem,
      avgInService,
      avgServiceTime,
      avgWaitTime: Math.max(inSystem / throughput - avgServiceTime, 0),
      busy: 1 - (p[0] ?? 0) / sum,
    };
  }
}
