import assert from "node:assert/strict";
import { join } from "node:path";
import { loadSystemDir } from "../../src/optimizer/load-dir.js";
import { OptimizerLoop, type OptimizerLoopOptions } from "../../src/optimizer/loop/loop.js";
import { solveSystem } from "../../src/optimizer/solve.js";
import { ApiDouble, type StoredObject } from "../support/api-double.js";
import { INFERNO, published } from "../support/inferno.js";
import { serveVllmMetrics, startPrometheus, waitForWindow, type RunningPrometheus } from "../support/prometheus.js";
import { assertValidKubernetes } from "../support/schema.js";
import {
  LOOP_NODES,
  LOOP_NS as NS,
  optimizerConfigMap,
  optimizerConfigMapFromFixtures,
  testLoop,
} from "../support/optimizer-loop.js";
const DEPLOYMENTS = "apps/v1/deployments";

function deployment(name: string, labels: Record<string, string>): StoredObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "serving", labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "vllm", image: "vllm/vllm-openai" }] },
      },
    },
  };
}

function managed(server: string, model: string, cls: string, rpm: string): Record<string, string> {
  return {
    "inferno.server.managed": "true",
    "inferno.server.name": server,
    "inferno.server.model": model,
    "inferno.server.class": cls,
    "inferno.server.load.rpm": rpm,
    "inferno.server.load.numtokens": "1024",
  };
}

describe("optimizer control loop (real Prometheus, API double)", function () {
  this.timeout(60_000);
  let api: ApiDouble;

  let configMap: StoredObject;
  before(async () => {
    configMap = await optimizerConfigMap();
  });

  it("the ConfigMap kubectl makes from the files holds what the unit tests build in-process", () => {
    assert.deepEqual(configMap.data, optimizerConfigMapFromFixtures().data);
  });

  beforeEach(async () => {
    api = new ApiDouble();
    await api.start();
    api.create("v1/configmaps", structuredClone(configMap));
    for (const node of LOOP_NODES) api.create("v1/nodes", node);
    api.create(DEPLOYMENTS, deployment("llama-premium", managed("Premium-llama_13b", "llama_13b", "Premium", "60")));
    api.create(
      DEPLOYMENTS,
      deployment("granite-bronze", managed("Bronze-granite_13b", "granite_13b", "Bronze", "120")),
    );
    api.create(DEPLOYMENTS, deployment("unmanaged", { app: "other" }));
  });
  afterEach(async () => {
    await api.stop();
  });

  const loop = (prometheusUrl: string | undefined, solve?: OptimizerLoopOptions["solve"]): OptimizerLoop =>
    testLoop(api, { ...(prometheusUrl ? { prometheusUrl } : {}), window: "10s", ...(solve ? { solve } : {}) });

  const get = (name: string): StoredObject => api.get(DEPLOYMENTS, "serving", name)!;
  const labels = (name: string): Record<string, string> => get(name).metadata.labels as Record<string, string>;
  const spec = (name: string): { replicas: number; template: { spec: { nodeSelector?: Record<string, string> } } } =>
    get(name).spec as never;

  it("Prometheus down: the loads on the labels are used, and replicas, labels and node selector match inferno's published answer", async () => {
    const result = await loop("http://127.0.0.1:1").invoke();
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.fallbacks.map((f) => f.server).sort(), ["Bronze-granite_13b", "Premium-llama_13b"]);
    const expected = published("v1/small");
    for (const [name, server] of [
      ["llama-premium", "Premium-llama_13b"],
      ["granite-bronze", "Bronze-granite_13b"],
    ] as const) {
      const want = expected[server]!;
      assert.equal(spec(name).replicas, want.numReplicas, name);
      assert.equal(labels(name)["inferno.server.allocation.accelerator"], want.accelerator);
      assert.equal(labels(name)["inferno.server.allocation.maxbatchsize"], String(want.maxBatch));
      assert.deepEqual(spec(name).template.spec.nodeSelector, { "nvidia.com/gpu.product": "G2" });
      assertValidKubernetes(get(name));
    }
    assert.equal(spec("unmanaged").replicas, 1);
    const events = api.list("v1/events").filter((e) => (e as { reason?: string }).reason === "Optimized");
    assert.equal(events.length, 2);
    for (const event of events) assertValidKubernetes(event);
    const status = api.get("v1/configmaps", NS, "inferplane-optimizer-status")!;
    assertValidKubernetes(status);
    const report = JSON.parse((status.data as Record<string, string>)["solution-data.json"]!) as { totalCost: number };
    assert.equal(report.totalCost, expected["Premium-llama_13b"]!.cost + expected["Bronze-granite_13b"]!.cost);
  });

  it("a second cycle with nothing new patches the same values and raises no new events", async () => {
    const l = loop("http://127.0.0.1:1");
    await l.invoke();
    const before = get("llama-premium").metadata.resourceVersion;
    const again = await l.invoke();
    assert.ok(again.ok);
    assert.equal(get("llama-premium").metadata.resourceVersion, before, "an identical merge patch changes nothing");
    assert.equal(api.list("v1/events").length, 2);
  });

  it("a solver error patches nothing", async () => {
    const result = await loop("http://127.0.0.1:1", () => Promise.reject(new Error("solver exploded"))).invoke();
    assert.equal(result.ok, false);
    assert.match(result.error ?? "", /solver exploded/);
    for (const name of ["llama-premium", "granite-bronze"]) {
      assert.equal(spec(name).replicas, 1);
      assert.equal(labels(name)["inferno.server.allocation.accelerator"], undefined);
    }
    assert.ok(!api.requests.some((r) => r.startsWith("PATCH")), "no PATCH was sent");
    assert.equal(api.get("v1/configmaps", NS, "inferplane-optimizer-status"), undefined);
  });

  it("a missing ConfigMap or bad data changes nothing and says which", async () => {
    api.update("v1/configmaps", NS, "inferplane-optimizer", (cm) => {
      (cm.data as Record<string, string>)["model-data.json"] = "{ nope";
    });
    const bad = await loop(undefined).invoke();
    assert.match(
      bad.error ?? "",
      /ConfigMap inferplane-system\/inferplane-optimizer: model-data\.json: not valid JSON/,
    );
    api.delete("v1/configmaps", NS, "inferplane-optimizer");
    const missing = await loop(undefined).invoke();
    assert.match(missing.error ?? "", /ConfigMap inferplane-system\/inferplane-optimizer not found/);
    assert.ok(!api.requests.some((r) => r.startsWith("PATCH")));
  });

  describe("with Prometheus scraping vLLM's counters", () => {
    let prometheus: RunningPrometheus;
    let vllm: Awaited<ReturnType<typeof serveVllmMetrics>>;
    before(async () => {
      vllm = await serveVllmMetrics([
        { namespace: "serving", pod: "llama-premium-5d8f9c-abcde", rpm: 240, inTokens: 128, outTokens: 1024 },
        { namespace: "serving", pod: "granite-bronze-7f6d5-qwert", rpm: 60, inTokens: 128, outTokens: 1024 },
        { namespace: "serving", pod: "granite-bronze-7f6d5-yuiop", rpm: 60, inTokens: 128, outTokens: 1024 },
        { namespace: "serving", pod: "unmanaged-5d8f9c-zzzzz", rpm: 999, inTokens: 1, outTokens: 1 },
      ]);
      prometheus = await startPrometheus(vllm.target);
      await waitForWindow(prometheus, "vllm:request_success_total", 10);
    });
    after(async () => {
      await prometheus.stop();
      await vllm.close();
    });

    it("reads each Deployment's rate from its own pods and patches what the solver chooses for it", async () => {
      const result = await loop(prometheus.url).invoke();
      assert.ok(result.ok, JSON.stringify(result));
      assert.deepEqual(result.fallbacks, []);
      const llamaRpm = Number(labels("llama-premium")["inferno.server.load.rpm"]);
      const graniteRpm = Number(labels("granite-bronze")["inferno.server.load.rpm"]);
      assert.ok(Math.abs(llamaRpm - 240) / 240 < 0.15, `llama measured ${llamaRpm} req/min`);
      assert.ok(Math.abs(graniteRpm - 120) / 120 < 0.15, `granite measured ${graniteRpm} req/min (two pods)`);
      const tokens = Number(labels("llama-premium")["inferno.server.load.numtokens"]);
      assert.ok(Math.abs(tokens - 1024) <= 10, `tokens per request ${tokens}`);

      // The same answer from the data files, at the measured loads.
      const system = loadSystemDir(join(INFERNO, "v1/small"));
      const servers = system.servers
        .filter((s) => s.name === "Premium-llama_13b" || s.name === "Bronze-granite_13b")
        .map((s) => ({
          ...s,
          minNumReplicas: 1,
          load: {
            ...s.load,
            arrivalRate: Number(
              labels(s.name === "Premium-llama_13b" ? "llama-premium" : "granite-bronze")["inferno.server.load.rpm"],
            ),
            avgOutTokens: Number(
              labels(s.name === "Premium-llama_13b" ? "llama-premium" : "granite-bronze")[
                "inferno.server.load.numtokens"
              ],
            ),
          },
        }));
      const expected = await solveSystem({ ...system, servers }, "unlimited");
      for (const [name, server] of [
        ["llama-premium", "Premium-llama_13b"],
        ["granite-bronze", "Bronze-granite_13b"],
      ] as const) {
        const want = expected.allocations.find((a) => a.server.name === server)!;
        assert.equal(spec(name).replicas, want.replicas, name);
        assert.equal(labels(name)["inferno.server.allocation.accelerator"], want.accelerator);
      }
      assert.ok(
        spec("llama-premium").replicas > published("v1/small")["Premium-llama_13b"]!.numReplicas,
        "four times the labelled load needs more replicas",
      );
    });
  });
});
