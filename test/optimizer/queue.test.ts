import assert from "node:assert/strict";
import fc from "fast-check";
import { bisect } from "../../src/optimizer/bisection.js";
import { BirthDeathQueue } from "../../src/optimizer/queue.js";

const TOKENS = 1024;
const perMinute = (perMs: number): number => perMs * 60_000;

function v1Queue(alpha: number, beta: number, batch: number, capacity: number, tokens = TOKENS): BirthDeathQueue {
  return new BirthDeathQueue(capacity, batch, (n) => n / ((alpha + beta * n) * tokens));
}

/** The stationary distribution summed state by state over the whole chain (in logs): what solve() must agree with. */
function bruteForce(queue: BirthDeathQueue, lambda: number): { inSystem: number; waiting: number; pFull: number } {
  const lnP = [0];
  for (let n = 1; n <= queue.capacity; n++)
    lnP.push(lnP[n - 1]! + Math.log(lambda / queue.serviceRate(Math.min(n, queue.batchSize))));
  const top = Math.max(...lnP);
  const p = lnP.map((l) => Math.exp(l - top));
  const sum = p.reduce((a, b) => a + b, 0);
  let inSystem = 0;
  let waiting = 0;
  p.forEach((w, n) => {
    inSystem += (n * w) / sum;
    waiting += (Math.max(n - queue.batchSize, 0) * w) / sum;
  });
  return { inSystem, waiting, pFull: p[queue.capacity]! / sum };
}

describe("optimizer: the birth–death queue", () => {
  // The hand-checked point: 30 req/min, batch 48, 1024 tokens, α 19, β 1, queue 200.
  const queue = v1Queue(19, 1, 48, 200);

  it("throughput equals the arrival rate when the queue rarely fills, and the token time is 40.98 ms", () => {
    const stats = queue.solve(30 / 60_000);
    assert.ok(Math.abs(perMinute(stats.throughput) - 30) < 1e-6, `throughput ${perMinute(stats.throughput)}`);
    assert.ok(Math.abs(stats.avgServiceTime / TOKENS - 40.98) < 0.005, `token time ${stats.avgServiceTime / TOKENS}`);
  });

  it("the most a replica takes under a 50 ms ITL is 35.2 req/min", () => {
    const found = bisect(
      queue.serviceRate(1) * 0.001,
      queue.fullRate * 0.999,
      50 * TOKENS,
      (x) => queue.solve(x).avgServiceTime,
    );
    assert.equal(found.position, "inside");
    assert.ok(Math.abs(perMinute(found.x) - 35.2) < 0.05, `max rate ${perMinute(found.x)}`);
    assert.ok(Math.abs(queue.solve(found.x).avgServiceTime / TOKENS - 50) < 50 * 1e-5);
  });

  it("an M/M/1/K special case matches the closed form", () => {
    // One service rate μ: p(n) ∝ ρⁿ, L = ρ/(1−ρ) − (K+1)ρ^(K+1)/(1−ρ^(K+1)).
    const mu = 2;
    const lambda = 1.5;
    const k = 30;
    const stats = new BirthDeathQueue(k, 1, () => mu).solve(lambda);
    const rho = lambda / mu;
    const expected = rho / (1 - rho) - ((k + 1) * rho ** (k + 1)) / (1 - rho ** (k + 1));
    assert.ok(Math.abs(stats.avgInSystem - expected) < 1e-9);
    const pFull = ((1 - rho) * rho ** k) / (1 - rho ** (k + 1));
    assert.ok(Math.abs(stats.throughput - lambda * (1 - pFull)) < 1e-12);
  });

  it("stays finite far past saturation with a long queue (probabilities rescaled, not overflowed)", () => {
    const long = v1Queue(19, 1, 48, 100_000);
    const stats = long.solve(1000 * long.fullRate);
    for (const value of Object.values(stats)) assert.ok(Number.isFinite(value), JSON.stringify(stats));
    assert.ok(stats.avgInSystem > 99_000, "a saturated queue is nearly full");
    assert.ok(Math.abs(stats.throughput - long.fullRate) / long.fullRate < 1e-9, "throughput is the full batch's rate");
  });

  it("property: throughput never exceeds the arrival rate, and service time and wait grow with load", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        fc.integer({ min: 1, max: 64 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (alpha, beta, batch, load) => {
          const q = v1Queue(alpha, beta, batch, batch * 10);
          const top = q.fullRate;
          const a = q.solve(top * load * 0.5);
          const b = q.solve(top * load);
          assert.ok(a.throughput <= top * load * 0.5 * (1 + 1e-12));
          assert.ok(b.avgServiceTime >= a.avgServiceTime * (1 - 1e-9));
          assert.ok(b.avgWaitTime >= a.avgWaitTime - 1e-9);
          assert.ok(a.avgInService <= batch + 1e-9 && a.busy >= 0 && a.busy <= 1);
        },
      ),
    );
  });
});

describe("optimizer: the queue at any batch size", () => {
  it("property: agrees with the whole chain summed state by state, below, at and past saturation", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: 0.001, max: 2, noNaN: true }),
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0.001, max: 3, noNaN: true }),
        (alpha, beta, batch, ratio, load) => {
          const q = v1Queue(alpha, beta, batch, batch * ratio, 64);
          const lambda = q.fullRate * load;
          const stats = q.solve(lambda);
          const exact = bruteForce(q, lambda);
          const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(b), 1);
          assert.ok(near(stats.avgInSystem, exact.inSystem), `in system ${stats.avgInSystem} vs ${exact.inSystem}`);
          assert.ok(near(stats.avgWaitTime * stats.throughput, exact.waiting), `waiting ${exact.waiting}`);
          assert.ok(near(stats.throughput, lambda * (1 - exact.pFull)), "throughput");
        },
      ),
    );
  });

  it("sums only where the probability is: a batch of 10¹² costs what the queue needs, and answers as one of 10⁶", () => {
    // β > 0: the service rate saturates at 1/(β·K), so at 0.999 of it the mass sits near 10⁴
    // requests whatever N is; the 10N places past N are a geometric tail summed in closed form.
    const small = v1Queue(2, 0.05, 1_000_000, 10_000_000);
    const huge = v1Queue(2, 0.05, 1e12, 1e13);
    const lambda = 0.999 / (0.05 * TOKENS);
    const a = small.solve(lambda);
    const b = huge.solve(lambda);
    assert.ok(Math.abs(a.avgInSystem - b.avgInSystem) / a.avgInSystem < 1e-6, `${a.avgInSystem} vs ${b.avgInSystem}`);
    assert.equal(b.avgWaitTime, 0, "nobody waits for a place in a batch of 10¹²");
  });

  it("an arrival rate of 0 is an idle server, not an error", () => {
    assert.deepEqual(v1Queue(19, 1, 48, 200).solve(0), {
      throughput: 0,
      avgInSystem: 0,
      avgInService: 0,
      avgServiceTime: 0,
      avgWaitTime: 0,
      busy: 0,
    });
  });
});

describe("optimizer: bisection", () => {
  it("tells a target below the function's range from one above it", () => {
    const f = (x: number): number => 10 + x;
    assert.deepEqual(bisect(0, 5, 5, f), { x: 0, position: "below" });
    assert.deepEqual(bisect(0, 5, 20, f), { x: 5, position: "above" });
    const inside = bisect(0, 5, 12.5, f);
    assert.equal(inside.position, "inside");
    assert.ok(Math.abs(inside.x - 2.5) < 1e-5);
  });

  it("a function flat over the interval meets a target at or above it everywhere (inferno read it as decreasing)", () => {
    assert.deepEqual(
      bisect(1, 100, 5, () => 0),
      { x: 100, position: "above" },
    );
    assert.deepEqual(
      bisect(1, 100, 5, () => 5),
      { x: 100, position: "above" },
    );
    assert.deepEqual(
      bisect(1, 100, 5, () => 5 + 1e-9),
      { x: 100, position: "inside" },
    );
    assert.deepEqual(
      bisect(1, 100, 5, () => 6),
      { x: 1, position: "below" },
    );
    assert.throws(() => bisect(2, 1, 0, (x) => x), /invalid range/);
  });
});
