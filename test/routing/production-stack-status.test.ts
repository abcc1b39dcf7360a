import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { InferenceCache, PrefillDecodingDisaggregation } from "../../src/apis/production-stack.js";
import { readCache } from "../../src/controllers/inferencecache/reader.js";
import { cacheStatus } from "../../src/controllers/inferencecache/status.js";
import { pddStatus } from "../../src/controllers/pdd/reconciler.js";
import { stackServiceStatus } from "../../src/controllers/stackservice/reconciler.js";
import type { KubeObject } from "../../src/kube/object.js";
import { startPrometheus, type RunningPrometheus } from "../support/prometheus.js";
import {
  backendService,
  enginePod,
  seedExamples,
  seedGateway,
  serveCacheMetrics,
  stackService,
} from "../support/routing.js";
import { staticView } from "../support/static-view.js";
import type { StackInferenceService } from "../../src/apis/production-stack.js";

const NOW = "2026-01-01T00:00:00.000Z";

function seed<T extends KubeObject>(kind: string, name: string): T {
  const obj = seedExamples<T>(kind).find((o) => o.metadata?.name === name)!;
  return { ...obj, metadata: { ...obj.metadata, namespace: "default", generation: 1 } };
}

function withAnnotations(pod: Pod & KubeObject, annotations: Record<string, string>): Pod & KubeObject {
  return { ...pod, metadata: { ...pod.metadata, annotations } };
}

const byType = (conditions: { type: string; status: string; reason?: string }[] | undefined): Record<string, string> =>
  Object.fromEntries((conditions ?? []).map((c) => [c.type, `${c.status} ${c.reason ?? ""}`]));

describe("production-stack status (InferenceService, PDD, InferenceCache)", function () {
  this.timeout(60_000);

  it("InferenceService: backend as the seeds write it (name, {name, port}), references and nlpFilters as conditions", () => {
    const llama = seed<StackInferenceService>("InferenceService", "llama3-chatbot-service");
    const view = staticView([
      llama,
      backendService("chatbot-service-backend"),
      enginePod("llama-0", "chatbot-service-backend"),
      enginePod("llama-1", "chatbot-service-backend", false),
      seedGateway(),
    ]);
    const status = stackServiceStatus(llama, view, NOW);
    assert.equal(status.url, "http://chatbot-service-backend.default.svc.cluster.local:8000");
    assert.equal(status.readyEndpoints, 1);
    assert.deepEqual(status.gateways, ["llm-gateway"]);
    assert.deepEqual(byType(status.conditions), {
      BackendReady: "True Ready",
      CacheResolved: "False NotFound",
      SemanticCache: "True RouterSemanticCache",
      PromptGuardEnforced: "False NoEnforcingComponent",
      Ready: "False NotReady",
    });

    const pdd = seed<PrefillDecodingDisaggregation>("PrefillDecodingDisaggregation", "example-pdd");
    const gpt = seed<StackInferenceService>("InferenceService", "gpt4-inference");
    const withPort = stackServiceStatus(gpt, staticView([gpt, pdd, backendService("gpt4-backend", 9000)]), NOW);
    assert.equal(withPort.url, undefined, "port 8000 is not one of the Service's");
    assert.deepEqual(byType(withPort.conditions), {
      BackendReady: "False NoReadyEndpoints",
      PDDResolved: "True Found",
      Ready: "False NotReady",
    });
    const missing = stackServiceStatus(stackService("x", "m", "nope"), staticView([]), NOW);
    assert.match(
      missing.conditions!.find((c) => c.type === "BackendReady")!.message ?? "",
      /Service default\/nope \(backendRef\) does not exist/,
    );
  });

  it("PrefillDecodingDisaggregation: prefillPod and decodeTargetPod from the Ready pods carrying it, directly or through their cache", () => {
    const pdd = seed<PrefillDecodingDisaggregation>("PrefillDecodingDisaggregation", "pdd-llama3-chatbot");
    const cache = seed<InferenceCache>("InferenceCache", "llama3-chatbot-cache");
    const pods = [
      withAnnotations(enginePod("chat-prefill-1", "x"), {
        "production-stack.vllm.ai/pdd": "pdd-llama3-chatbot",
        "production-stack.vllm.ai/pd-role": "prefill",
      }),
      withAnnotations(enginePod("chat-prefill-0", "x", false), {
        "production-stack.vllm.ai/pdd": "pdd-llama3-chatbot",
        "production-stack.vllm.ai/pd-role": "prefill",
      }),
      withAnnotations(enginePod("chat-decode-0", "x"), {
        "production-stack.vllm.ai/inference-cache": "llama3-chatbot-cache",
        "production-stack.vllm.ai/pd-role": "decode",
      }),
      withAnnotations(enginePod("other-decode", "x"), {
        "production-stack.vllm.ai/pdd": "another",
        "production-stack.vllm.ai/pd-role": "decode",
      }),
    ];
    const status = pddStatus(pdd, staticView([pdd, cache, ...pods]), NOW);
    assert.deepEqual([status.prefillPod, status.decodeTargetPod], ["chat-prefill-1", "chat-decode-0"]);
    assert.equal(status.conditions![0]!.status, "True");
    const half = pddStatus(pdd, staticView([pdd, pods[0]!]), NOW);
    assert.deepEqual(
      [half.prefillPod, half.decodeTargetPod, half.conditions![0]!.status],
      ["chat-prefill-1", undefined, "False"],
    );
  });

  describe("InferenceCache from a real Prometheus", () => {
    let metrics: { target: string; close(): Promise<void> };
    let prometheus: RunningPrometheus;
    before(async () => {
      metrics = await serveCacheMetrics([
        { namespace: "default", pod: "llama-0", queriesPerSecond: 10, hitsPerSecond: 9, kvCacheUsage: 0.5 },
        { namespace: "default", pod: "llama-1", queriesPerSecond: 10, hitsPerSecond: 8, kvCacheUsage: 0.95 },
        { namespace: "default", pod: "other", queriesPerSecond: 10, hitsPerSecond: 0, kvCacheUsage: 1 },
      ]);
      prometheus = await startPrometheus(metrics.target);
    });
    after(async () => {
      await prometheus.stop();
      await metrics.close();
    });

    it("reads the hit rate and KV-cache usage of the pods naming the cache, against its thresholds", async () => {
      const cache = seed<InferenceCache>("InferenceCache", "llama3-chatbot-cache");
      let reading = await readCache(prometheus.url, "default", ["llama-0", "llama-1"], 2000, new Date());
      for (let i = 0; i < 100 && reading.hitRate === undefined; i++) {
        await new Promise((r) => setTimeout(r, 200));
        reading = await readCache(prometheus.url, "default", ["llama-0", "llama-1"], 2000, new Date());
      }
      assert.ok(Math.abs(reading.hitRate! - 0.85) < 0.01, `hit rate ${reading.hitRate}`);
      assert.equal(reading.kvCacheUsage, 0.95);
      const status = cacheStatus(cache, staticView([cache]), reading, true, NOW);
      assert.deepEqual(byType(status.conditions), {
        MetricsAvailable: "True Read",
        HitRateAboveThreshold: "True AboveThreshold",
        EvictionPressure: "True AboveEvictionThreshold",
        PDDResolved: "False NotFound",
        SDResolved: "False NotFound",
      });
      assert.equal(status.pods, 2);

      const strict = {
        ...cache,
        spec: { ...cache.spec, kvCacheTransferPolicy: { thresholdHitRate: 0.9, evictionThreshold: 0.99 } },
      };
      assert.deepEqual(byType(cacheStatus(strict, staticView([]), reading, true, NOW).conditions), {
        MetricsAvailable: "True Read",
        HitRateAboveThreshold: "False BelowThreshold",
        EvictionPressure: "False BelowEvictionThreshold",
        PDDResolved: "False NotFound",
        SDResolved: "False NotFound",
      });
    });

    it("says why there is no reading: no Prometheus, no pods, no series, Prometheus down", async () => {
      const cache = seed<InferenceCache>("InferenceCache", "llama3-chatbot-cache");
      const reason = (reading: Parameters<typeof cacheStatus>[2], on = true): string | undefined =>
        cacheStatus(cache, staticView([]), reading, on, NOW).conditions!.find((c) => c.type === "MetricsAvailable")!
          .reason;
      assert.equal(reason(undefined, false), "NoPrometheus");
      assert.equal(reason(await readCache(prometheus.url, "default", [], 2000, new Date())), "NoPods");
      assert.equal(reason(await readCache(prometheus.url, "default", ["nobody"], 2000, new Date())), "NoSeries");
      assert.equal(
        reason(await readCache("http://127.0.0.1:1", "default", ["llama-0"], 500, new Date())),
        "QueryFailed",
      );
    });
  });
});
