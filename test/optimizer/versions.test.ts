import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { computeCandidates, type ServerCandidates } from "../../src/optimizer/candidates.js";
import { loadSystemDir } from "../../src/optimizer/load-dir.js";
import { demandRate } from "../../src/optimizer/sizing.js";
import { solveSystem } from "../../src/optimizer/solve.js";
import { solveGreedy } from "../../src/optimizer/solvers/greedy.js";
import type { DataVersion, PerfSpec, SystemSpec } from "../../src/optimizer/spec.js";
import { rulesFor } from "../../src/optimizer/versions/index.js";
import { candidate, limitedSystem, server } from "../support/greedy.js";
import { INFERNO } from "../support/inferno.js";

type Json = Record<string, unknown>;

function choices(version: DataVersion, capacity: Record<string, number>, servers: ServerCandidates[]): Json {
  const { allocations } = solveGreedy(limitedSystem(version, capacity), servers);
  return Object.fromEntries(allocations.map((a) => [a.server.name, `${a.accelerator}×${a.replicas}`]));
}

function withinCapacity(system: SystemSpec, used: Map<string, { used: number; available: number | undefined }>): void {
  for (const [type, u] of used) assert.ok(u.used <= (system.capacity.get(type) ?? 0), `${type}: ${u.used} used`);
}

describe("optimizer: each data version's semantics", () => {
  describe("V1 (llm-inferno/optimizer @590a7c2): SolveLimited", () => {
    for (const dir of ["v1/large", "v1/large-light"]) {
      it(`${dir} with unlimited: false serves all 27 servers in full, within capacity`, async () => {
        const data = loadSystemDir(join(INFERNO, dir));
        const system = { ...data, optimizer: { ...data.optimizer, unlimited: false } };
        const solution = await solveSystem(system);
        assert.equal(solution.solver, "greedy");
        assert.deepEqual(solution.unallocated, []);
        assert.equal(solution.allocations.length, 27);
        assert.ok(solution.allocations.every((a) => !a.saturated && a.replicas > 0));
        withinCapacity(system, solution.usage);
      });
    }

    // Hand-checked on costs (values are 1.1 × cost, which changes no order). X has 2 cards, Y 10. P (priority 1, weight 1 + 1/2 = 1.5) loses 12 − 10 = 2 by
    // moving from X to Y: weighted 3. F (priority 3, weight 1 + 1/4 = 1.25) loses 40 − 10 = 30:
    // weighted 37.5. V1 serves F first (X), then P (Y): 10 + 12. V2 serves priority 1 first: P on X,
    // F on Y: 10 + 40.
    const P = (): ServerCandidates => server("P", 1, [candidate("X", 2, 5), candidate("Y", 2, 6)]);
    const F = (): ServerCandidates => server("F", 3, [candidate("X", 2, 5), candidate("Y", 2, 20)]);

    it("orders by regret weighted by 1 + 1/(1 + priority), with no strict priority groups", () => {
      assert.deepEqual(choices("v1", { X: 2, Y: 10 }, [P(), F()]), { F: "X×2", P: "Y×2" });
      assert.deepEqual(choices("v2", { X: 2, Y: 10 }, [P(), F()]), { P: "X×2", F: "Y×2" });
    });

    it("weighs every last choice alike (float32 overflow), then the dearer weighted value first", () => {
      // A and B each have one candidate: regret MaxFloat32, which any weight > 1 overflows to +Inf in
      // Go's float32. So the weighted value decides: A 11·1.5 = 16.5, B 33·1.25 = 41.25: B first.
      const a = server("A", 1, [candidate("X", 1, 10)]);
      const b = server("B", 3, [candidate("X", 1, 30)]);
      assert.deepEqual(choices("v1", { X: 1 }, [a, b]), { B: "X×1" });
      assert.deepEqual(choices("v2", { X: 1 }, [a, b]), { A: "X×1" });
    });

    it("has no saturation policy: a server capacity cannot hold in full gets nothing", () => {
      const system = limitedSystem("v1", { X: 3 }, { saturationPolicy: "RoundRobin" });
      const { allocations, unallocated } = solveGreedy(system, [server("A", 1, [candidate("X", 4, 1)])]);
      assert.deepEqual([allocations.length, unallocated.map((u) => u.server)], [0, ["A"]]);
    });

    it("reads a missing or negative priority as 0; V2 and V3 read one outside [1, 100] as 100", () => {
      assert.deepEqual([undefined, -3, 7].map(rulesFor("v1").priority), [0, 0, 7]);
      for (const version of ["v2", "v3"] as const)
        assert.deepEqual([undefined, 0, 1, 100, 101].map(rulesFor(version).priority), [100, 100, 1, 100, 100]);
    });
  });

  describe("V3 (perfParms, llm-inferno/optimizer-light v0.7.0)", () => {
    let dir: string;
    before(() => {
      // v2/small rewritten the way sample-data @f179ca3 moved to V3: perfParms {alpha, beta, gamma = delta / 10}.
      dir = mkdtempSync(join(tmpdir(), "inferno-v3-"));
      cpSync(join(INFERNO, "v2/small"), dir, { recursive: true });
      const path = join(dir, "model-data.json");
      const body = JSON.parse(readFileSync(path, "utf8")) as { models: Json[] };
      for (const m of body.models) {
        const decode = m.decodeParms as { alpha: number; beta: number };
        const prefill = m.prefillParms as { delta: number };
        m.perfParms = { alpha: decode.alpha, beta: decode.beta, gamma: prefill.delta / 10 };
        delete m.decodeParms;
        delete m.prefillParms;
      }
      writeFileSync(path, JSON.stringify(body));
    });
    after(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it("reads perfParms as V3", () => {
      const system = loadSystemDir(dir);
      assert.equal(system.version, "v3");
      const perf = system.perf.get("granite_13b")?.get("G2");
      assert.ok(perf && perf.alpha > 0 && perf.beta > 0 && perf.gamma > 0 && perf.delta === 0);
    });

    it("sizes every server within its SLOs, with the fewest replicas that meet them", async () => {
      const system = loadSystemDir(dir);
      const solution = await solveSystem(system, "unlimited");
      assert.deepEqual(solution.unallocated, []);
      const options = computeCandidates(system);
      for (const a of solution.allocations) {
        const target = system.serviceClasses.get(a.server.serviceClass)!.targets.get(a.server.model)!;
        assert.ok(a.itl <= target.itl * (1 + 1e-6) && a.latency <= target.ttft * (1 + 1e-6), a.server.name);
        const chosen = options
          .find((o) => o.server.name === a.server.name)!
          .candidates.find((c) => c.accelerator === a.accelerator)!;
        const perMinute = demandRate(target, a.server.load) * 60_000;
        assert.ok(
          perMinute > chosen.maxRatePerReplica * (a.replicas - 1),
          `${a.server.name}: one replica fewer would do`,
        );
      }
    });

    it("times a request as queue-analysis v0.3.0 does (hand-checked at light load)", () => {
      // α 10, β 0.1, γ 0.01, 100 tokens in, 200 out: T(n) = 10 + n·(0.1·300/201 + 0.01·200);
      // prefill(1) + 200·decode(1) = 23.14925… + 200·14.24925… = 2873 ms. At light load a request is
      // served alone: ITL = (2873 − prefill(0)) / 200 = (2873 − 21) / 200 = 14.26, TTFT = 21 + 14.26.
      const perf: PerfSpec = {
        model: "m",
        accelerator: "a",
        accCount: 1,
        maxBatchSize: 4,
        atTokens: 512,
        alpha: 10,
        beta: 0.1,
        gamma: 0.01,
        delta: 0,
      };
      const model = rulesFor("v3").replicaModel(
        perf,
        { itl: 0, ttw: 0, ttft: 0, tps: 0 },
        { inTokens: 100, outTokens: 200 },
        4,
      )!;
      const light = model.at(1e-9);
      assert.ok(Math.abs(light.itl - 14.26) < 1e-4, String(light.itl));
      assert.ok(Math.abs(light.latency - 35.26) < 1e-4, String(light.latency));
      // No traffic: ITL α + β, TTFT α + β + γ·N, rate N / (TTFT + α + β·N) per ms.
      const idle = rulesFor("v3").zeroLoad(perf, 8);
      assert.deepEqual([idle.itl, idle.latency], [10.1, 10.18]);
      assert.ok(Math.abs(idle.maxRate - 8 / 20.98) < 1e-12);
    });
  });
});
