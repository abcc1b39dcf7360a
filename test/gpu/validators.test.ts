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
import { assertDenied, pathsOf } from "../support/denials.js";
import type { Outcome } from "../../webhooks/enhancers/result.js";

type Check = (obj: never) => Findings;

interface Rule {
  rule: string;
  check: Check;
  bad: KubeObject;
  fixed: KubeObject;
  /** The one field the rule reports. */
  path: string;
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
    path: "spec.sharing.profiles[0].name",
  },
  {
    rule: "a MIG layout entry that cannot fit one GPU",
    check: gpuPoolFindings,
    bad: pool("p", { gpuProduct: A100, sharing: { mode: "mig", profiles: [{ name: "4g.20gb", count: 2 }] } }),
    fixed: pool("p", {
      gpuProduct: A100,
      sharing: { mode: "mig", profiles: [{ name: "4g.20gb" }, { name: "4g.20gb" }] },
    }),
    path: "spec.sharing.profiles[0].count",
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
    path: "spec.sharing.profiles",
  },
  {
    rule: "oversubscription on exclusive GPUs",
    check: gpuPoolFindings,
    bad: pool("p", { sharing: { mode: "exclusive" }, oversubscription: { enabled: true, ratio: "2" } }),
    fixed: pool("p", { sharing: { mode: "timeslice" }, oversubscription: { enabled: true, ratio: "2" } }),
    path: "spec.oversubscription.enabled",
  },
  {
    rule: "an oversubscription ratio below one",
    check: gpuPoolFindings,
    bad: pool("p", { sharing: { mode: "mps" }, oversubscription: { enabled: true, ratio: "0.5" } }),
    fixed: pool("p", { sharing: { mode: "mps" }, oversubscription: { enabled: true, ratio: "1.5" } }),
    path: "spec.oversubscription.ratio",
  },
  {
    rule: "an MPS memory limit that is not a quantity",
    check: gpuPoolFindings,
    bad: pool("p", { sharing: { mode: "mps", mps: { pinnedMemoryLimit: "10 gigs" } } }),
    fixed: pool("p", { sharing: { mode: "mps", mps: { pinnedMemoryLimit: "10Gi" } } }),
    path: "spec.sharing.mps.pinnedMemoryLimit",
  },
  {
    rule: "an MPS memory limit under the 1Mi MPS can express",
    check: gpuPoolFindings,
    bad: pool("p", { sharing: { mode: "mps", mps: { pinnedMemoryLimit: "512Ki" } } }),
    fixed: pool("p", { sharing: { mode: "mps", mps: { pinnedMemoryLimit: "1536Mi" } } }),
    path: "spec.sharing.mps.pinnedMemoryLimit",
  },
  {
    rule: "a gpuProduct that is no label value (it becomes a node selector)",
    check: gpuPoolFindings,
    bad: pool("p", { gpuProduct: "NVIDIA A100 40GB", sharing: { mode: "exclusive" } }),
    fixed: pool("p", { gpuProduct: "NVIDIA-A100-SXM4-40GB", sharing: { mode: "exclusive" } }),
    path: "spec.gpuProduct",
  },
  {
    rule: "a node selector value that is no label value",
    check: gpuPoolFindings,
    bad: pool("p", { nodeSelector: { rack: "rack 1" }, sharing: { mode: "exclusive" } }),
    fixed: pool("p", { nodeSelector: { rack: "rack-1" }, sharing: { mode: "exclusive" } }),
    path: "spec.nodeSelector[rack]",
  },
  {
    rule: "a single-strategy MIG product label over 63 characters (<product>-MIG-<profile>)",
    check: gpuPoolFindings,
    bad: pool("p", {
      gpuProduct: "NVIDIA-H100-80GB-HBM3-SXM5-PCIe-Gen5-Custom-Board-Rev-B-0042",
      sharing: { mode: "mig", migStrategy: "single", profiles: [{ name: "1g.10gb" }] },
    }),
    fixed: pool("p", {
      gpuProduct: "NVIDIA-H100-80GB-HBM3",
      sharing: { mode: "mig", migStrategy: "single", profiles: [{ name: "1g.10gb" }] },
    }),
    path: "spec.sharing.profiles[0].name",
  },
  {
    rule: "an oversubscription ratio written in hex",
    check: gpuPoolFindings,
    bad: pool("p", { sharing: { mode: "mps" }, oversubscription: { enabled: true, ratio: "0x2" } }),
    fixed: pool("p", { sharing: { mode: "mps" }, oversubscription: { enabled: true, ratio: "2" } }),
    path: "spec.oversubscription.ratio",
  },
  {
    rule: "a fraction of a GPU (extended resources are integers)",
    check: pddFindings,
    bad: pdd("d", { decodeResources: { limits: { "nvidia.com/gpu": "1.5" } } }),
    fixed: pdd("d", { decodeResources: { limits: { "nvidia.com/gpu": "2" } } }),
    path: "spec.decodeResources.limits[nvidia.com/gpu]",
  },
  {
    rule: "a topology hint node selector that is no label value",
    check: pddFindings,
    bad: pdd("d", { topologyHint: { nodeSelector: { zone: "zone a" } } }),
    fixed: pdd("d", { topologyHint: { nodeSelector: { zone: "zone-a" } } }),
    path: "spec.topologyHint.nodeSelector[zone]",
  },
  {
    rule: "MPS with more than one GPU",
    check: inferenceServiceFindings,
    bad: service({ sharing: "mps", count: 2 }),
    fixed: service({ sharing: "mps", count: 1 }),
    path: "spec.gpu.count",
  },
  {
    rule: "an InferenceService MIG profile unknown for its GPU type",
    check: inferenceServiceFindings,
    bad: service({ type: "nvidia-h100", sharing: "mig", migProfile: "3g.20gb" }),
    fixed: service({ type: "nvidia-h100", sharing: "mig", migProfile: "3g.40gb" }),
    path: "spec.gpu.migProfile",
  },
  {
    rule: "a cache size that is not a quantity",
    check: inferenceServiceFindings,
    bad: service({}, { cache: { prefixCacheSize: "8 GB" } }),
    fixed: service({}, { cache: { prefixCacheSize: "8Gi" } }),
    path: "spec.cache.prefixCacheSize",
  },
  {
    rule: "minReplicas above maxReplicas",
    check: inferenceServiceFindings,
    bad: service({}, { autoscaling: { minReplicas: 5, maxReplicas: 2 } }),
    fixed: service({}, { autoscaling: { minReplicas: 2, maxReplicas: 5 } }),
    path: "spec.autoscaling.minReplicas",
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
    path: "spec.tiers[1].type",
  },
  {
    rule: "a redis tier inferplane runs without a size",
    check: tokenCacheFindings,
    bad: tokenCache("c", { tiers: [{ name: "r", type: "redis", replicas: 3 }] }),
    fixed: tokenCache("c", { tiers: [{ name: "r", type: "redis", replicas: 3, size: "8Gi" }] }),
    path: "spec.tiers[0].size",
  },
  {
    rule: "a local tier's storage class without a size for its claim",
    check: tokenCacheFindings,
    bad: tokenCache("c", { tiers: [{ name: "l", type: "local", localConfig: { storageClass: "nvme" } }] }),
    fixed: tokenCache("c", {
      tiers: [{ name: "l", type: "local", size: "100Gi", localConfig: { storageClass: "nvme" } }],
    }),
    path: "spec.tiers[0].localConfig.storageClass",
  },
  {
    rule: "a relative mount path",
    check: tokenCacheFindings,
    bad: tokenCache("c", { tiers: [{ name: "l", type: "local", size: "1Gi", localConfig: { mountPath: "cache" } }] }),
    fixed: tokenCache("c", {
      tiers: [{ name: "l", type: "local", size: "1Gi", localConfig: { mountPath: "/cache" } }],
    }),
    path: "spec.tiers[0].localConfig.mountPath",
  },
  {
    rule: "a TTL that is not a duration",
    check: tokenCacheFindings,
    bad: tokenCache("c", { tiers: [{ name: "a", type: "prefix", ttl: "1 day" }] }),
    fixed: tokenCache("c", { tiers: [{ name: "a", type: "prefix", ttl: "24h" }] }),
    path: "spec.tiers[0].ttl",
  },
  {
    rule: "a tier size that is not a quantity",
    check: tokenCacheFindings,
    bad: tokenCache("c", { tiers: [{ name: "a", type: "local", size: "lots" }] }),
    fixed: tokenCache("c", { tiers: [{ name: "a", type: "local", size: "100Gi" }] }),
    path: "spec.tiers[0].size",
  },
  {
    rule: "vLLM engineConfig missing a required flag",
    check: pddFindings,
    bad: pdd("d", { engine: "vllm", engineConfig: { "max-num-seqs": "256" } }),
    fixed: pdd("d", { engine: "vllm", engineConfig: vllmConfig }),
    path: "spec.engineConfig",
  },
  {
    rule: "SGLang engineConfig missing a required flag",
    check: pddFindings,
    bad: pdd("d", { engine: "sglang", engineConfig: { "max-num-seqs": "64" } }),
    fixed: pdd("d", { engine: "sglang", engineConfig: { "max-num-seqs": "64", "max-num-batched-tokens": "4096" } }),
    path: "spec.engineConfig",
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
    path: "spec.engineConfig.tensor-parallel-size",
  },
  {
    rule: "an engine value that is not a number",
    check: pddFindings,
    bad: pdd("d", { engine: "vllm", engineConfig: { ...vllmConfig, "max-num-seqs": "many" } }),
    fixed: pdd("d", { engine: "vllm", engineConfig: vllmConfig }),
    path: "spec.engineConfig.max-num-seqs",
  },
  {
    rule: "an engine count in hex or exponent form",
    check: pddFindings,
    bad: pdd("d", { engine: "vllm", engineConfig: { ...vllmConfig, "tensor-parallel-size": "0x2" } }),
    fixed: pdd("d", { engine: "vllm", engineConfig: vllmConfig }),
    path: "spec.engineConfig.tensor-parallel-size",
  },
  {
    rule: "an engine count beyond int32",
    check: pddFindings,
    bad: pdd("d", { engine: "vllm", engineConfig: { ...vllmConfig, "max-num-batched-tokens": "2147483648" } }),
    fixed: pdd("d", { engine: "vllm", engineConfig: { ...vllmConfig, "max-num-batched-tokens": "2147483647" } }),
    path: "spec.engineConfig.max-num-batched-tokens",
  },
  {
    rule: "a draft model equal to the target",
    check: speculativeDecodingFindings,
    bad: speculative("sd", { draftModel: "llama-70b", targetModel: "llama-70b" }),
    fixed: speculative("sd", { draftModel: "llama-1b", targetModel: "llama-70b" }),
    path: "spec.draftModel",
  },
  {
    rule: "a backendRef that is neither a name nor {name, port}",
    check: stackInferenceServiceFindings,
    bad: stack({ backendRef: { port: 8000 } }),
    fixed: stack({ backendRef: { name: "b", port: 8000 } }),
    path: "spec.backendRef",
  },
  {
    rule: "a prefillDecodingRef of another kind",
    check: stackInferenceServiceFindings,
    bad: stack({ prefillDecodingRef: { name: "p", kind: "Deployment" } }),
    fixed: stack({ prefillDecodingRef: { name: "p", kind: "PrefillDecodingDisaggregation" } }),
    path: "spec.prefillDecodingRef.kind",
  },
];

describe("GPU and cache validators", () => {
  for (const { rule, check, bad, fixed, path } of RULES) {
    it(`rejects ${rule} at ${path}, and accepts it fixed`, () => {
      assert.deepEqual(pathsOf(check(bad as never).problems), [path]);
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
      tokenCache("chat", {
        tiers: [
          { name: "cpu", type: "prefix", size: "16Gi" },
          { name: "nvme", type: "local", size: "100Gi" },
        ],
      }),
    ];
    const verdict = (pod: Pod): Outcome<unknown> => validateGpuPod(pod, NS, stores(...objects));

    it("a memory limit that cannot hold the TokenCache's CPU tier is invalid; a request below it is a warning", () => {
      // LMCache pins the CPU tier in host memory (all its workers together hold the tier's size):
      // in a container limited below it the kernel OOM-kills the engine.
      const withMemory = (memory: Record<string, string>): Pod =>
        gpuPod(
          { "inference.ai/token-cache": "chat", "inference.ai/gpu-count": "4" },
          { args: ["--tensor-parallel-size", "4"], resources: memory },
        );
      assertDenied(
        verdict(withMemory({ limits: { memory: "8Gi" } } as never)),
        422,
        "spec.containers[0].resources.limits.memory",
      );
      const fits = verdict(withMemory({ requests: { memory: "64Gi" }, limits: { memory: "64Gi" } } as never));
      assert.deepEqual(fits.ok && fits.warnings, []);
      const unreserved = verdict(withMemory({}));
      assert.equal(unreserved.ok && unreserved.warnings.length, 1);
    });

    it("an annotation naming an object that does not exist is forbidden, at that annotation", () => {
      assertDenied(
        verdict(gpuPod({ "inference.ai/token-cache": "gone" })),
        403,
        "metadata.annotations[inference.ai/token-cache]",
      );
      assertDenied(
        verdict(gpuPod({ "production-stack.vllm.ai/speculative-decoding": "gone" })),
        403,
        "metadata.annotations[production-stack.vllm.ai/speculative-decoding]",
      );
      assert.ok(verdict(gpuPod({ "inference.ai/gpu-pool": "p" })).ok);
    });

    it("an engine's tensor parallelism above the GPUs it gets is invalid, at the engine's args", () => {
      assertDenied(
        verdict(
          gpuPod(
            { "inference.ai/gpu-pool": "p", "inference.ai/gpu-count": "2" },
            { args: ["--tensor-parallel-size=4"] },
          ),
        ),
        422,
        "spec.containers[0].args",
      );
      assert.ok(
        verdict(
          gpuPod(
            { "inference.ai/gpu-pool": "p", "inference.ai/gpu-count": "4" },
            { args: ["--tensor-parallel-size=4"] },
          ),
        ).ok,
      );
      assertDenied(
        verdict(
          gpuPod({ "inference.ai/gpu-count": "1", "inference.ai/backend": "sglang" }, { args: ["--tp-size", "2"] }),
        ),
        422,
        "spec.containers[0].args",
      );
    });

    it("a tensor parallel flag not in plain decimal digits is invalid, at the engine's args", () => {
      // Number("0x2") is 2 and Number("1e0") is 1: read that way, a flag the engine refuses would pass.
      for (const given of ["0x2", "1e0", "2.0", "0", "-1", "", "2147483648"])
        assertDenied(
          verdict(
            gpuPod(
              { "inference.ai/gpu-pool": "p", "inference.ai/gpu-count": "4" },
              { args: [`--tensor-parallel-size=${given}`] },
            ),
          ),
          422,
          "spec.containers[0].args",
        );
    });

    it("a GPU count annotation in hex or exponent form is invalid, at that annotation", () => {
      for (const count of ["0x10", "1e3"])
        assertDenied(
          verdict(gpuPod({ "inference.ai/gpu-pool": "p", "inference.ai/gpu-count": count })),
          422,
          "metadata.annotations[inference.ai/gpu-count]",
        );
    });
  });
});
