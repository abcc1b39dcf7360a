import assert from "node:assert/strict";
import { solveGreedy } from "../../src/optimizer/solvers/greedy.js";
import type { OptimizerSpec, SaturationPolicy, SystemSpec } from "../../src/optimizer/spec.js";
import { candidate, limitedSystem, server } from "../support/greedy.js";

// The saturation policies and priority groups are V2's (and V3's); V1 has neither.
const system = (capacity: Record<string, number>, optimizer: Partial<OptimizerSpec>): SystemSpec =>
  limitedSystem("v2", capacity, optimizer);

/** Three servers wanting 4 replicas of X each; A and B at priority 1, C at 2; 6 cards of X. */
const SERVERS = [
  server("A", 1, [candidate("X", 4, 10)]),
  server("B", 1, [candidate("X", 4, 10)]),
  server("C", 2, [candidate("X", 4, 10)]),
];

function replicas(policy: SaturationPolicy, delayedBestEffort: boolean): Record<string, number> {
  const { allocations } = solveGreedy(system({ X: 6 }, { saturationPolicy: policy, delayedBestEffort }), SERVERS);
  return Object.fromEntries(allocations.map((a) => [a.server.name, a.replicas]));
}

describe("optimizer: the limited greedy", () => {
  it("serves whole servers in priority order; None gives the rest nothing", () => {
    assert.deepEqual(replicas("None", false), { A: 4 });
    const { unallocated } = solveGreedy(system({ X: 6 }, {}), SERVERS);
    assert.deepEqual(
      unallocated.map((u) => u.server),
      ["B", "C"],
    );
  });

  it("per priority group, best effort goes to the group before the next group is tried", () => {
    assert.deepEqual(replicas("RoundRobin", false), { A: 4, B: 2 });
    assert.deepEqual(replicas("PriorityExhaustive", false), { A: 4, B: 2 });
  });

  it("with delayedBestEffort, RoundRobin shares what is left across all priorities; the priority policies do not", () => {
    assert.deepEqual(replicas("RoundRobin", true), { A: 4, B: 1, C: 1 });
    assert.deepEqual(replicas("PriorityRoundRobin", true), { A: 4, B: 2 });
    assert.deepEqual(replicas("PriorityExhaustive", true), { A: 4, B: 2 });
  });

  it("marks best-effort allocations saturated and costs them by the replicas they got", () => {
    const { allocations } = solveGreedy(
      system({ X: 6 }, { saturationPolicy: "RoundRobin", delayedBestEffort: true }),
      SERVERS,
    );
    const c = allocations.find((a) => a.server.name === "C")!;
    assert.deepEqual([c.saturated, c.cost], [true, 10]);
    assert.equal(allocations.find((a) => a.server.name === "A")!.saturated, false);
  });

  it("a server that loses its cheapest accelerator takes its next one, in regret order", () => {
    // Both want X (2 cards free). D would lose 40 by moving to Y, E only 2: D keeps X.
    const d = server("D", 1, [candidate("X", 2, 10), candidate("Y", 2, 30)]);
    const e = server("E", 1, [candidate("X", 2, 10), candidate("Z", 2, 11)]);
    const { allocations } = solveGreedy(system({ X: 2, Y: 2, Z: 2 }, {}), [e, d]);
    assert.deepEqual(Object.fromEntries(allocations.map((a) => [a.server.name, a.accelerator])), { D: "X", E: "Z" });
  });

  it("serves a server left with nothing by moving another where capacity allows (repair, any policy)", () => {
    // A (priority 1) takes X first; B (priority 2) can only use X. Moving A to Y (20 dearer) frees X for B.
    const a = server("A", 1, [candidate("X", 2, 10), candidate("Y", 2, 20)]);
    const b = server("B", 2, [candidate("X", 2, 10)]);
    for (const policy of ["None", "RoundRobin"] as const) {
      const { allocations, unallocated } = solveGreedy(system({ X: 2, Y: 2 }, { saturationPolicy: policy }), [a, b]);
      assert.deepEqual(unallocated, []);
      assert.deepEqual(Object.fromEntries(allocations.map((x) => [x.server.name, [x.accelerator, x.saturated]])), {
        A: ["Y", false],
        B: ["X", false],
      });
    }
    // Without room for A elsewhere, B stays unserved under None.
    const { unallocated } = solveGreedy(system({ X: 2, Y: 1 }, {}), [a, b]);
    assert.deepEqual(
      unallocated.map((u) => u.server),
      ["B"],
    );
  });
});
