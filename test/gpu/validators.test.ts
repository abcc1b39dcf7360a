import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "../../src/kube/object.js";
import { validateGpuPod } from "../../webhooks/validators/gpu-pod.js";
import type { Findings } from "../../webhooks/validators/findings.js";
import {
  gpuPoolFindings,
  inferenceCacheFindings,
  inferenceServiceFindings,
  pddFindings,
  speculativeDecodingFindings,
  stackInferenceServiceFindings,
  tokenCacheFindings,
} from "../../webhooks/validators/gpu-resources.js";
import { gpuPod, NS, pdd, pool, speculative, stores, tokenCache } from "../support/gpu.js";

type Check = (obj: never) => Findings;

interface Rule {
  rule: string;
  check: Check;
  bad: KubeObject;
  fixed: KubeObject;
  message: RegExp;
}

const A100 = "NVIDIA-A100-SXM4-40GB";
const service = (gpu: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject =>
  ({
    apiVersion: "inference.ai/v1alpha1",
    kind: "InferenceService",
    metadata: { name: "s" },
    spec: { model: { name: "m" }, gpu, ...extra },
  }) as KubeObject;
const stack = (spec: Record<string, unknown>): KubeObject =>
  ({
    apiVersion: "production-stack.vllm.ai/v1alpha1",
    kind: "InferenceService",
    metadata: { name: "s" },
    spec: { modelName: "m", ...spec },
  }) as KubeObject;
const vllmConfig = { "tensor-parallel-size": "2", "max-num-batched-tokens": "8192", "max-num-seqs": "256" };

const RULES: Rule[] = [
  {
    rule: "MIG profile unknown for the GPU",
    check: gpuPoolFindings,
    bad: pool("p", { gpuProduct: A100, sharing: { mode: "mig", profiles: [{ name: "3g.40gb" }] } }),
    fixed: pool("p", { gpuProduct: A100, sharing: { mode: "mig", profiles: [{ name: "3g.20gb" }] } }),
    message: /3g\.40gb does not exist on NVIDIA-A100-SXM4-40GB; use one of 1g\.5gb/,
  },
  {
    rule: "a MIG layout entry that cannot fit one GPU",
    check: gpuPoolFindings,
    bad: pool("p", { gpuProduct: A100, sharing: { mode: "mig", profiles: [{ name: "4g.20gb", count: 2 }] } }),
    fixed: pool("p", {
      gpuProduct: A100,
      sharing: { mode: "mig", profiles: [{ name: "4g.20gb" }, { name: "4g.20gb" }] },
    }),
    message: /2 × 4g\.20gb needs 8 compute slices and 8 memory eighths; one GPU has 7 and 8/,
  },
  {
    rule: "the single strategy with two profiles",
    check: gpuPoolFindings,
    bad: pool("p", {
      gpuProduct: A100,
      sharing: { mode: "mig", migStrategy: "single", profiles: [{ name: "1g.5gb" }, { name: "2g.10gb" }] },
    }),
    fixed: pool("p", {
      gpuProduct: A100,
      sharing: { mode: "mig", migStrategy: "single", profiles: [{ name: "1g.5gb", count: 7 }] },
    }),
    message: /single MIG strategy gives every GPU of a node one profile/,
  },
  {
    rule: "oversubscription on exclusive GPUs",
    check: gpuPoolFindings,
    bad: pool("p", { sharing: { mode: "exclusive" }, oversubscription: { enabled: true, ratio: "2" } }),
    fixed: pool("p", { sharing: { mode: "timeslice" }, oversubscription: { enabled: true, ratio: "2" } }),
    message: /an exclusive GPU cannot be oversubscribed/,
  },
  {
    rule: "an oversubscription ratio below one",
    check: gpuPoolFindings,
    bad: pool("p", { sharing: { mode: "mps" }, oversubscription: { enabled: true, ratio: "0.5" } }),
    fixed: pool("p", { sharing: { mode: "mps" }, oversubscription: { enabled: true, ratio: "1.5" } }),
    message: /ratio: "0\.5" must be a number ≥ 1/,
  },
  {
    rule: "an MPS memory limit that is not a quantity",
    check: gpuPoolFindings,
    bad: pool("p", { sharing: { mode: "mps", mps: { pinnedMemoryLimit: "10 gigs" } } }),
    fixed: pool("p", { sharing: { mode: "mps", mps: { pinnedMemoryLimit: "10Gi" } } }),
    message: /pinnedMemoryLimit: "10 gigs" is not a Kubernetes quantity/,
  },
  {
    rule: "MPS with more than one GPU",
    check: inferenceServiceFindings,
    bad: service({ sharing: "mps", count: 2 }),
    fixed: service({ sharing: "mps", count: 1 }),
    message: /MPS shares one GPU; 2 GPUs need sharing exclusive/,
  },
  {
    rule: "an InferenceService MIG profile unknown for its GPU type",
    check: inferenceServiceFindings,
    bad: service({ type: "nvidia-h100", sharing: "mig", migProfile: "3g.20gb" }),
    fixed: service({ type: "nvidia-h100", sharing: "mig", migProfile: "3g.40gb" }),
    message: /3g\.20gb does not exist on nvidia-h100/,
  },
  {
    rule: "a cache size that is not a quantity",
    check: inferenceServiceFindings,
    bad: service({}, { cache: { prefixCacheSize: "8 GB" } }),
    fixed: service({}, { cache: { prefixCacheSize: "8Gi" } }),
    message: /prefixCacheSize: "8 GB" is not a Kubernetes quantity/,
  },
  {
    rule: "minReplicas above maxReplicas",
    check: inferenceServiceFindings,
    bad: service({}, { autoscaling: { minReplicas: 5, maxReplicas: 2 } }),
    fixed: service({}, { autoscaling: { minReplicas: 2, maxReplicas: 5 } }),
    message: /minReplicas 5 is above maxReplicas 2/,
  },
  {
    rule: "a tier type given twice",
    check: tokenCacheFindings,
    bad: tokenCache("c", {
      tiers: [
        { name: "a", type: "local", size: "1Gi" },
        { name: "b", type: "local", size: "1Gi" },
      ],
    }),
    fixed: tokenCache("c", {
      tiers: [
        { name: "a", type: "local", size: "1Gi" },
        { name: "b", type: "redis", size: "1Gi" },
      ],
    }),
    message: /a second local tier; give each tier type once/,
  },
  {
    rule: "a redis tier inferplane runs without a size",
    check: tokenCacheFindings,
    bad: tokenCache("c", { tiers: [{ name: "r", type: "redis", replicas: 3 }] }),
    fixed: tokenCache("c", { tiers: [{ name: "r", type: "redis", replicas: 3, size: "8Gi" }] }),
    message: /spec\.tiers\[0\]: a redis tier inferplane runs needs size/,
  },
  {
    rule: "a local tier's storage class without a size for its claim",
    check: tokenCacheFindings,
    bad: tokenCache("c", { tiers: [{ name: "l", type: "local", localConfig: { storageClass: "nvme" } }] }),
    fixed: tokenCache("c", {
      tiers: [{ name: "l", type: "local", size: "100Gi", localConfig: { storageClass: "nvme" } }],
    }),
    message: /localConfig\.storageClass: the volume claim needs the tier's size/,
  },
  {
    rule: "a relative mount path",
    check: tokenCacheFindings,
    bad: tokenCache("c", { tiers: [{ name: "l", type: "local", size: "1Gi", localConfig: { mountPath: "cache" } }] }),
    fixed: tokenCache("c", {
      tiers: [{ name: "l", type: "local", size: "1Gi", localConfig: { mountPath: "/cache" } }],
    }),
    message: /mountPath: "cache" is not an absolute path/,
  },
  {
    rule: "a TTL that is not a duration",
    check: tokenCacheFindings,
    bad: tokenCache("c", { tiers: [{ name: "a", type: "prefix", ttl: "1 day" }] }),
    fixed: tokenCache("c", { tiers: [{ name: "a", type: "prefix", ttl: "24h" }] }),
    message: /ttl: "1 day" is not a duration/,
  },
  {
    rule: "a tier size that is not a quantity",
    check: tokenCacheFindings,
    bad: tokenCache("c", { tiers: [{ name: "a", type: "local", size: "lots" }] }),
    fixed: tokenCache("c", { tiers: [{ name: "a", type: "local", size: "100Gi" }] }),
    message: /size: "lots" is not a Kubernetes quantity/,
  },
  {
    rule: "vLLM engineConfig missing a required flag",
    check: pddFindings,
    bad: pdd("d", { engine: "vllm", engineConfig: { "max-num-seqs": "256" } }),
    fixed: pdd("d", { engine: "vllm", engineConfig: vllmConfig }),
    message: /vllm needs tensor-parallel-size, max-num-batched-tokens/,
  },
  {
    rule: "SGLang engineConfig missing a required flag",
    check: pddFindings,
    bad: pdd("d", { engine: "sglang", engineConfig: { "max-num-seqs": "64" } }),
    fixed: pdd("d", { engine: "sglang", engineConfig: { "max-num-seqs": "64", "max-num-batched-tokens": "4096" } }),
    message: /sglang needs max-num-batched-tokens/,
  },
  {
    rule: "tensor parallel size above the GPU count",
    check: pddFindings,
    bad: pdd("d", { engine: "vllm", engineConfig: vllmConfig, decodeResources: { limits: { "nvidia.com/gpu": "1" } } }),
    fixed: pdd("d", {
      engine: "vllm",
      engineConfig: vllmConfig,
      decodeResources: { limits: { "nvidia.com/gpu": "2" } },
    }),
    message: /tensor-parallel-size 2 is above the 1 GPUs of spec\.decodeResources/,
  },
  {
    rule: "an engine value that is not a number",
    check: pddFindings,
    bad: pdd("d", { engine: "vllm", engineConfig: { ...vllmConfig, "max-num-seqs": "many" } }),
    fixed: pdd("d", { engine: "vllm", engineConfig: vllmConfig }),
    message: /max-num-seqs: "many" must be a whole number/,
  },
  {
    rule: "a draft model equal to the target",
    check: speculativeDecodingFindings,
    bad: speculative("sd", { draftModel: "llama-70b", targetModel: "llama-70b" }),
    fixed: speculative("sd", { draftModel: "llama-1b", targetModel: "llama-70b" }),
    message: /the draft model is the target \(llama-70b\)/,
  },
  {
    rule: "a backendRef that is neither a name nor {name, port}",
    check: stackInferenceServiceFindings,
    bad: stack({ backendRef: { port: 8000 } }),
    fixed: stack({ backendRef: { name: "b", port: 8000 } }),
    message: /spec\.backendRef: a backend name, or \{name, port\}/,
  },
  {
    rule: "a prefillDecodingRef of another kind",
    check: stackInferenceServiceFindings,
    bad: stack({ prefillDecodingRef: { name: "p", kind: "Deployment" } }),
    fixed: stack({ prefillDecodingRef: { name: "p", kind: "PrefillDecodingDisaggregation" } }),
    message: /prefillDecodingRef\.kind: Deployment/,
  },
];

describe("GPU and cache validators", () => {
  for (const { rule, check, bad, fixed, message } of RULES) {
    it(`rejects ${rule}, and accepts it fixed`, () => {
      const refused = check(bad as never);
      assert.ok(
        refused.problems.some((p) => message.test(p)),
        refused.problems.join("\n") || "no problem found",
      );
      assert.deepEqual(check(fixed as never).problems, []);
    });
  }

  it("warns about risky but valid choices, each under 120 characters", () => {
    const warnings = [
      ...gpuPoolFindings(
        pool("p", {
          sharing: {
            mode: "mig",
            profiles: [
              { name: "3g.40gb", count: 2 },
              { name: "1g.10gb", count: 4 },
            ],
          },
          oversubscription: { enabled: true, ratio: "1.5" },
        }) as never,
      ).warnings,
      ...gpuPoolFindings(
        pool("p", { sharing: { mode: "timeslice" }, oversubscription: { enabled: true, ratio: "8" } }) as never,
      ).warnings,
      ...tokenCacheFindings(
        tokenCache("c", { tiers: [{ name: "l", type: "local" }], warmup: { enabled: true } }) as never,
      ).warnings,
      ...tokenCacheFindings(
        tokenCache("c", {
          tiers: [
            { name: "p", type: "prefix", redisConfig: { replicas: 2 } },
            { name: "r", type: "redis", size: "1Gi", ttl: "168h", replicas: 3, redisConfig: { replicas: 2 } },
          ],
          evictionPolicy: "fifo",
        }) as never,
      ).warnings,
      ...speculativeDecodingFindings(
        speculative("s", { draftModel: "a", targetModel: "b", numSpeculativeTokens: 16 }) as never,
      ).warnings,
      ...inferenceCacheFindings({
        apiVersion: "production-stack.vllm.ai/v1alpha1",
        kind: "InferenceCache",
        metadata: { name: "i" },
        spec: { kvCacheTransferPolicy: { thresholdHitRate: 0.9, evictionThreshold: 0.5 } },
      }).warnings,
    ];
    assert.equal(warnings.length, 12, warnings.join("\n"));
    for (const w of warnings) assert.ok(w.length <= 120, w);
    assert.ok(warnings.some((w) => /MIG layout spans 2 GPUs per node/.test(w)));
    assert.ok(warnings.some((w) => /oversubscription ratio 8/.test(w)));
    assert.ok(warnings.some((w) => /Redis has no FIFO eviction/.test(w)));
    assert.ok(warnings.some((w) => /ttl 168h is not enforced: LMCache writes without a TTL/.test(w)));
    assert.ok(warnings.some((w) => /redisConfig is ignored: the tier is of type prefix/.test(w)));
    assert.ok(warnings.some((w) => /replicas 3 and redisConfig.replicas 2; the latter wins/.test(w)));
  });

  describe("pods", () => {
    const objects = [
      pool("p", { sharing: { mode: "exclusive" } }),
      pdd("d", { engine: "vllm", engineConfig: vllmConfig }),
    ];
    const verdict = (pod: Pod): string => {
      const r = validateGpuPod(pod, NS, stores(...objects));
      return r.ok ? "allowed" : r.message;
    };

    it("an annotation naming an object that does not exist is denied, naming it", () => {
      assert.match(
        verdict(gpuPod({ "inference.ai/token-cache": "gone" })),
        /TokenCache "gone" does not exist in namespace serving/,
      );
      assert.match(
        verdict(gpuPod({ "production-stack.vllm.ai/speculative-decoding": "gone" })),
        /SpeculativeDecoding "gone" does not exist/,
      );
      assert.equal(verdict(gpuPod({ "inference.ai/gpu-pool": "p" })), "allowed");
    });

    it("an engine's tensor parallelism above the GPUs it gets is denied", () => {
      assert.match(
        verdict(
          gpuPod(
            { "inference.ai/gpu-pool": "p", "inference.ai/gpu-count": "2" },
            { args: ["--tensor-parallel-size=4"] },
          ),
        ),
        /--tensor-parallel-size 4 is above the 2 GPUs the pod gets/,
      );
      assert.equal(
        verdict(
          gpuPod(
            { "inference.ai/gpu-pool": "p", "inference.ai/gpu-count": "4" },
            { args: ["--tensor-parallel-size=4"] },
          ),
        ),
        "allowed",
      );
      assert.match(
        verdict(
          gpuPod({ "inference.ai/gpu-count": "1", "inference.ai/backend": "sglang" }, { args: ["--tp-size", "2"] }),
        ),
        /--tp-size 2 is above the 1 GPUs/,
      );
    });
  });
});
