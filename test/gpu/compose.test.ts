import assert from "node:assert/strict";
import fc from "fast-check";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "../../src/kube/object.js";
import { resolveGpuAsk } from "../../webhooks/gpu/ask.js";
import { applyGpuAsk, GPU_ENHANCERS } from "../../webhooks/gpu/enhance.js";
import { assertValidKubernetes } from "../support/schema.js";
import { gpuPod, NS, pdd, pool, speculative, stores, tokenCache } from "../support/gpu.js";

const OBJECTS: KubeObject[] = [
  pool("mig", {
    gpuProduct: "NVIDIA-H100-80GB-HBM3",
    nodeSelector: { pool: "h100" },
    sharing: { mode: "mig", profiles: [{ name: "3g.40gb" }] },
  }),
  pool("mps", { sharing: { mode: "mps", mps: { threadPercentage: 30, pinnedMemoryLimit: "8Gi" } } }),
  pool("ts", { sharing: { mode: "timeslice", renameSharedResource: true } }),
  pool("whole", { gpuProduct: "NVIDIA-A100-SXM4-80GB", sharing: { mode: "exclusive" } }),
  tokenCache("full", {
    tiers: [
      { name: "p", type: "prefix", size: "8Gi" },
      { name: "l", type: "local", size: "50Gi" },
      { name: "r", type: "redis" },
    ],
    warmup: { enabled: true, commonPrefixes: ["Hi", "System: be brief"] },
  }),
  tokenCache("small", { tiers: [{ name: "p", type: "prefix" }] }),
  pdd("pd", {
    engine: "vllm",
    engineConfig: { "tensor-parallel-size": "1", "max-num-batched-tokens": "4096", "max-num-seqs": "64" },
    topologyHint: { nodeSelector: { zone: "a", "nvidia.com/gpu.product": "ignored" } },
    prefillResources: { limits: { memory: "32Gi" } },
  }),
  speculative("sd", { draftModel: "small", targetModel: "big", numSpeculativeTokens: 3 }),
];

const annotations = fc
  .record({
    "inference.ai/gpu-pool": fc.constantFrom(undefined, "mig", "mps", "ts", "whole"),
    "inference.ai/token-cache": fc.constantFrom(undefined, "full", "small"),
    "inference.ai/backend": fc.constantFrom(undefined, "vllm", "sglang", "tensorrt-llm", "triton"),
    "production-stack.vllm.ai/pd-role": fc.constantFrom(undefined, "prefill", "decode"),
    "production-stack.vllm.ai/speculative-decoding": fc.constantFrom(undefined, "sd"),
  })
  .map((a) => {
    const set = Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as Record<string, string>;
    if (set["production-stack.vllm.ai/pd-role"]) set["production-stack.vllm.ai/pdd"] = "pd";
    return set;
  });

const userPod = fc.record({
  args: fc.subarray(["--max-num-seqs=8", "--port", "9000", "--enable-prefix-caching"]),
  env: fc.subarray([
    { name: "HF_HOME", value: "/models" },
    { name: "LMCACHE_CHUNK_SIZE", value: "512" },
  ]),
  gpu: fc.boolean(),
});

describe("GPU enhancers compose", () => {
  it("property: in any order to the same pod, idempotently, and always a valid Pod", () => {
    const view = stores(...OBJECTS);
    fc.assert(
      fc.property(annotations, userPod, fc.nat(), (ann, user, seed) => {
        const pod: Pod = gpuPod(ann, {
          args: user.args.length > 0 ? [...user.args] : undefined,
          env: user.env.length > 0 ? [...user.env] : undefined,
          resources: user.gpu ? { limits: { "nvidia.com/gpu": "1" } } : undefined,
        });
        const ask = resolveGpuAsk(pod, NS, view);
        if (!ask.ok) return;
        const reference = applyGpuAsk(pod, ask.value, NS).pod;
        const order = [...GPU_ENHANCERS].sort(
          (a, b) =>
            ((GPU_ENHANCERS.indexOf(a) * 7919 + seed) % 5) - ((GPU_ENHANCERS.indexOf(b) * 7919 + seed) % 5) ||
            GPU_ENHANCERS.indexOf(b) - GPU_ENHANCERS.indexOf(a),
        );
        assert.deepStrictEqual(applyGpuAsk(pod, ask.value, NS, order).pod, reference);
        const again = resolveGpuAsk(reference, NS, view);
        assert.ok(again.ok);
        assert.deepStrictEqual(applyGpuAsk(reference, again.value, NS).pod, reference, "a second pass changes nothing");
        assertValidKubernetes(reference);
        assert.deepStrictEqual(
          pod.spec!.containers[0]!.args,
          user.args.length > 0 ? user.args : undefined,
          "the input is never touched",
        );
        const flags = (reference.spec!.containers[0]!.args ?? [])
          .filter((a) => a.startsWith("--"))
          .map((a) => a.split("=")[0]);
        assert.equal(new Set(flags).size, flags.length, `a flag appears twice: ${flags.join(" ")}`);
      }),
      { numRuns: 300 },
    );
  });
});
