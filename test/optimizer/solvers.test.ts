import assert from "node:assert/strict";
import fc from "fast-check";
import { computeCandidates } from "../../src/optimizer/candidates.js";
import { solveBudgetedSystem, solveGreedySystem, solveMilpSystem } from "../../src/optimizer/solve.js";
import type { Solution } from "../../src/optimizer/solution.js";
import type { SystemSpec } from "../../src/optimizer/spec.js";
import { randomInstance, systemFrom } from "../support/inferno.js";

const OPTIONS = { timeLimitSeconds: 20 };

function assertWithinCapacity(system: SystemSpec, solution: Solution): void {
  const used = new Map<string, number>();
  for (const part of solution.allocations.flatMap((a) => a.parts))
    used.set(part.acceleratorType, (used.get(part.acceleratorType) ?? 0) + part.replicas * part.cardsPerReplica);
  for (const [type, cards] of used)
    assert.ok(
      cards <= (system.capacity.get(type) ?? 0),
      `${type}: ${cards} cards used of ${system.capacity.get(type)}`,
    );
}

function servedInFull(solution: Solution, servers: number): boolean {
  return (
    solution.unallocated.length === 0 &&
    solution.allocations.length === servers &&
    solution.allocations.every((a) => !a.saturated)
  );
}

describe("optimizer: MILP against the greedy on random limited instances", function () {
  this.timeout(120_000);

  it("property: never dearer than a greedy that serves everyone, never over capacity, infeasible reported", async () => {
    let compared = 0;
    let infeasible = 0;
    await fc.assert(
      fc.asyncProperty(randomInstance, async (instance) => {
        const system = systemFrom(instance);
        const candidates = computeCandidates(system);
        const greedy = solveGreedySystem(system, candidates);
        const exact = await solveMilpSystem(system, candidates, OPTIONS);
        assertWithinCapacity(system, greedy);
        if (exact.status === "infeasible") {
          infeasible++;
          assert.equal(exact.allocations.length, 0);
          assert.ok(exact.unallocated.length > 0);
          assert.ok(
            !servedInFull(greedy, system.servers.length),
            "the greedy served everyone in full where MILP found no way",
          );
          return;
        }
        assert.equal(exact.status, "optimal");
        assertWithinCapacity(system, exact);
        const servable = candidates.filter((c) => c.candidates.length > 0).length;
        assert.equal(exact.allocations.length, servable, "MILP serves every server that has a candidate");
        if (servedInFull(greedy, system.servers.length)) {
          compared++;
          assert.ok(exact.totalCost <= greedy.totalCost + 1e-6, `MILP ${exact.totalCost} > greedy ${greedy.totalCost}`);
          assert.ok(exact.greedy && exact.greedy.gap >= -1e-9);
        }
      }),
      { numRuns: 60 },
    );
    assert.ok(compared > 5, `only ${compared} instances compared`);
    assert.ok(infeasible > 0, "no infeasible instance was drawn");
  });

  it("property: the heterogeneous form carries every server's demand and costs no more than one accelerator per server", async () => {
    await fc.assert(
      fc.asyncProperty(randomInstance, async (instance) => {
        const single = systemFrom(instance, false);
        const mixed = systemFrom(instance, true);
        const a = await solveMilpSystem(single, computeCandidates(single), OPTIONS);
        const b = await solveMilpSystem(mixed, computeCandidates(mixed), OPTIONS);
        if (a.status === "optimal") {
          assert.equal(b.status, "optimal", "a mix can always copy the single-accelerator answer");
          assert.ok(b.totalCost <= a.totalCost + 1e-6, `mixed ${b.totalCost} > single ${a.totalCost}`);
        }
        if (b.status !== "optimal") return;
        assertWithinCapacity(mixed, b);
        const candidates = computeCandidates(mixed);
        for (const allocation of b.allocations) {
          const options = candidates.find((c) => c.server.name === allocation.server.name)!.candidates;
          const carried = allocation.parts.reduce(
            (sum, p) => sum + p.replicas * options.find((c) => c.accelerator === p.accelerator)!.maxRatePerReplica,
            0,
          );
          assert.ok(
            carried >= allocation.server.load.arrivalRate - 1e-6,
            `${allocation.server.name}: ${carried} < ${allocation.server.load.arrivalRate}`,
          );
        }
      }),
      { numRuns: 40 },
    );
  });

  it("property: the budgeted solve is never dearer than the greedy, never over capacity, and meets a proven optimum", async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(randomInstance, async (instance) => {
        const system = systemFrom(instance);
        const candidates = computeCandidates(system);
        const greedy = solveGreedySystem(system, candidates);
        const budgeted = await solveBudgetedSystem(system, candidates, 0.5);
        assertWithinCapacity(system, budgeted);
        const full = (s: Solution): number => s.allocations.filter((a) => !a.saturated).length;
        assert.ok(full(budgeted) >= full(greedy), "the budgeted solve served fewer in full than the greedy");
        if (!servedInFull(greedy, system.servers.length)) return;
        compared++;
        assert.ok(
          budgeted.totalCost <= greedy.totalCost + 1e-6,
          `budgeted ${budgeted.totalCost} > greedy ${greedy.totalCost}`,
        );
        const exact = await solveMilpSystem(system, candidates, OPTIONS);
        if (budgeted.status === "optimal" && exact.status === "optimal")
          assert.ok(
            Math.abs(budgeted.totalCost - exact.totalCost) < 1e-6,
            `${budgeted.totalCost} vs ${exact.totalCost}`,
          );
      }),
      { numRuns: 50 },
    );
    assert.ok(compared > 5, `only ${compared} instances compared`);
  });
});
