import assert from "node:assert/strict";
import { join } from "node:path";
import { computeCandidates, transitionValue, type Candidate } from "../../src/optimizer/candidates.js";
import { loadSystemDir } from "../../src/optimizer/load-dir.js";
import { solveSystem } from "../../src/optimizer/solve.js";
import type { ServerSpec, SystemSpec } from "../../src/optimizer/spec.js";
import { INFERNO } from "../support/inferno.js";

let base: SystemSpec;

function withServer(name: string, change: (s: ServerSpec) => ServerSpec): SystemSpec {
  return { ...base, servers: base.servers.map((s) => (s.name === name ? change(s) : s)) };
}

const candidatesOf = (system: SystemSpec, name: string): Candidate[] =>
  computeCandidates(system).find((c) => c.server.name === name)!.candidates;

describe("optimizer: candidates", () => {
  before(() => {
    base = loadSystemDir(join(INFERNO, "v1/small"));
  });

  it("keepAccelerator limits a server to the accelerator it has", () => {
    const all = candidatesOf(base, "Premium-llama_13b");
    assert.ok(all.length > 1);
    const kept = candidatesOf(
      withServer("Premium-llama_13b", (s) => ({
        ...s,
        keepAccelerator: true,
        current: { accelerator: "A100", numReplicas: 2, maxBatch: 16, cost: 80, itlAverage: 0, latencyAverage: 0 },
      })),
      "Premium-llama_13b",
    );
    assert.deepEqual(
      kept.map((c) => c.accelerator),
      ["A100"],
    );
  });

  it("accelerators limits a server to the ones it names (inferplane's addition)", () => {
    const all = candidatesOf(base, "Premium-llama_13b").map((c) => c.accelerator);
    const two = all.slice(-2);
    const limited = candidatesOf(
      withServer("Premium-llama_13b", (s) => ({ ...s, accelerators: [...two, "NoSuchCard"] })),
      "Premium-llama_13b",
    );
    assert.deepEqual(limited.map((c) => c.accelerator).sort(), [...two].sort());
    assert.deepEqual(
      candidatesOf(
        withServer("Premium-llama_13b", (s) => ({ ...s, accelerators: [] })),
        "Premium-llama_13b",
      ),
      [],
    );
  });

  it("minNumReplicas raises the replica count, and its cost with it", () => {
    const cheapest = candidatesOf(base, "Premium-llama_13b")[0]!;
    const raised = candidatesOf(
      withServer("Premium-llama_13b", (s) => ({ ...s, minNumReplicas: cheapest.replicas + 5 })),
      "Premium-llama_13b",
    ).find((c) => c.accelerator === cheapest.accelerator)!;
    assert.equal(raised.replicas, cheapest.replicas + 5);
    assert.equal(raised.cost, cheapest.costPerReplica * (cheapest.replicas + 5));
  });

  it("a zero load needs only the minimum replicas", () => {
    const idle = candidatesOf(
      withServer("Premium-llama_13b", (s) => ({ ...s, minNumReplicas: 1, load: { ...s.load, arrivalRate: 0 } })),
      "Premium-llama_13b",
    );
    assert.ok(idle.every((c) => c.replicas === 1));
  });

  it("the transition penalty keeps a server where it is unless moving saves more than 10% of both costs", () => {
    assert.equal(
      transitionValue(
        { accelerator: "G2", numReplicas: 3, maxBatch: 19, cost: 69, itlAverage: 0, latencyAverage: 0 },
        69,
        "G2",
        3,
      ),
      0,
    );
    assert.equal(
      transitionValue(
        { accelerator: "G2", numReplicas: 3, maxBatch: 19, cost: 69, itlAverage: 0, latencyAverage: 0 },
        92,
        "G2",
        4,
      ),
      23,
    );
    assert.ok(
      Math.abs(
        transitionValue(
          { accelerator: "A100", numReplicas: 2, maxBatch: 16, cost: 80, itlAverage: 0, latencyAverage: 0 },
          69,
          "G2",
          3,
        ) -
          (0.1 * (80 + 69) + (69 - 80)),
      ) < 1e-9,
    );
    assert.equal(transitionValue(undefined, 69, "G2", 3), 69 * 1.1);
  });

  it("a server on a slightly dearer accelerator stays there: moving costs more than it saves", async () => {
    // With A100 at 18 cents, Premium-llama_13b costs 72 on A100×4 against 69 on G2×3: 3 cents saved,
    // but a move costs 0.1·(72 + 69) = 14.1.
    const accelerators = new Map(base.accelerators);
    accelerators.set("A100", { ...accelerators.get("A100")!, cost: 18 });
    const cheaper = { ...base, accelerators };
    const fresh = await solveSystem(cheaper, "unlimited");
    assert.equal(fresh.allocations.find((a) => a.server.name === "Premium-llama_13b")!.accelerator, "G2");
    const onA100 = {
      ...cheaper,
      servers: cheaper.servers.map((s) =>
        s.name === "Premium-llama_13b"
          ? {
              ...s,
              current: {
                accelerator: "A100",
                numReplicas: 4,
                maxBatch: 16,
                cost: 72,
                itlAverage: 0,
                latencyAverage: 0,
              },
            }
          : s,
      ),
    };
    const kept = (await solveSystem(onA100, "unlimited")).allocations.find(
      (a) => a.server.name === "Premium-llama_13b",
    )!;
    assert.deepEqual([kept.accelerator, kept.replicas, kept.cost], ["A100", 4, 72]);
  });
});
