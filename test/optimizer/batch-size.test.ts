import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import { candidateOn } from "../../src/optimizer/candidates.js";
import { MAX_BATCH_TOKENS } from "../../src/optimizer/limits.js";
import { loadSystemDir } from "../../src/optimizer/load-dir.js";
import { solveSystem } from "../../src/optimizer/solve.js";
import type { PerfSpec, SystemSpec } from "../../src/optimizer/spec.js";
import { INFERNO } from "../support/inferno.js";

const TINY = loadSystemDir(join(INFERNO, "v1/tiny"));
/**
 * The widest batch a replica can hold at the fixture's atTokens (512): 19 531 250, past the 4096
 * the data allows (limits.ts), to show the solver itself has no ceiling.
 */
const LARGEST = Math.floor(MAX_BATCH_TOKENS / 512);

/** The system with one (model, accelerator)'s maxBatchSize replaced. */
function withBatch(system: SystemSpec, model: string, accelerator: string, maxBatchSize: number): SystemSpec {
  const perf = new Map<string, Map<string, PerfSpec>>();
  for (const [m, byAcc] of system.perf) {
    const copy = new Map(byAcc);
    const spec = copy.get(accelerator);
    if (m === model && spec) copy.set(accelerator, { ...spec, maxBatchSize });
    perf.set(m, copy);
  }
  return { ...system, perf };
}

describe("optimizer: a larger batch never costs more (v1/tiny)", () => {
  it("opt-125m on L4 at maxBatchSize 10⁵, 10⁶ and 1.9 × 10⁷ stays on L4: 42.00 in all three, as optimal", async () => {
    // The reviewer's case: at 10⁶ the wait never left 0 over the bisection interval, inferno's
    // bisection read that as a decreasing metric, and both opt-125m servers moved to L40S (94.00).
    for (const maxBatchSize of [100_000, 1_000_000, LARGEST]) {
      const solution = await solveSystem(withBatch(TINY, "opt-125m", "L4", maxBatchSize), "unlimited");
      assert.equal(solution.status, "optimal");
      assert.equal(solution.totalCost, 42, `maxBatchSize ${maxBatchSize}`);
      for (const a of solution.allocations.filter((x) => x.server.model === "opt-125m"))
        assert.deepEqual([a.accelerator, a.replicas, a.cost], ["L4", 1, 6], `${a.server.name} at ${maxBatchSize}`);
    }
  });

  it("a server's rate per replica grows with the batch and then levels off where the service rate saturates", () => {
    const server = TINY.servers.find((s) => s.name === "Free-opt-125m")!;
    const rates = [32, 1_000, 100_000, 1_000_000, LARGEST].map(
      (b) => candidateOn(server, "L4", withBatch(TINY, "opt-125m", "L4", b))!.maxRatePerReplica,
    );
    for (let i = 1; i < rates.length; i++) assert.ok(rates[i]! >= rates[i - 1]! * (1 - 1e-5), JSON.stringify(rates));
    assert.ok(Math.abs(rates[4]! / rates[3]! - 1) < 1e-5, `levels off: ${rates[3]} then ${rates[4]}`);
  });

  it("property: raising one model/accelerator's maxBatchSize never makes the unlimited solve dearer", async () => {
    const pairs = [...TINY.perf].flatMap(([model, byAcc]) => [...byAcc.keys()].map((acc) => [model, acc] as const));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...pairs),
        fc.integer({ min: 1, max: LARGEST }),
        fc.integer({ min: 1, max: LARGEST }),
        async ([model, accelerator], a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const before = await solveSystem(withBatch(TINY, model, accelerator, low), "unlimited");
          const after = await solveSystem(withBatch(TINY, model, accelerator, high), "unlimited");
          assert.ok(
            after.totalCost <= before.totalCost,
            `${model} on ${accelerator}: ${low} → ${high} raised ${before.totalCost} to ${after.totalCost}`,
          );
        },
      ),
      { numRuns: 40 },
    );
  });
});
