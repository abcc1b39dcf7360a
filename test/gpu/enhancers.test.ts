import assert from "node:assert/strict";
import { enhanceGpuPod } from "../../webhooks/gpu/enhance.js";
import type { KubeObject } from "../../src/kube/object.js";
import {
  denied,
  enhance,
  env,
  gpuPod,
  inferenceCache,
  pdd,
  pool,
  speculative,
  stores,
  tokenCache,
} from "../support/gpu.js";

const A100 = "NVIDIA-A100-SXM4-80GB";

describe("GPU sharing on admission", () => {
  const cases: {
    name: string;
    annotations: Record<string, string>;
    objects: KubeObject[];
    resources: Record<string, string>;
    selector: Record<string, string>;
    env?: Record<string, string>;
  }[] = [
    {
      name: "MIG mixed: nvidia.com/gpu becomes nvidia.com/mig-<profile>",
      annotations: { "inference.ai/gpu-pool": "mig" },
      objects: [
        pool("mig", {
          gpuProduct: A100,
          nodeSelector: { pool: "a" },
          sharing: { mode: "mig", migStrategy: "mixed", profiles: [{ name: "3g.40gb", count: 2 }] },
        }),
      ],
      resources: { "nvidia.com/mig-3g.40gb": "1" },
      selector: { pool: "a", "nvidia.com/gpu.product": A100 },
    },
    {
      name: "MIG mixed, a +me profile from the annotation: .me in the resource name",
      annotations: {
        "inference.ai/gpu-pool": "mig",
        "inference.ai/mig-profile": "1g.10gb+me",
        "inference.ai/gpu-count": "2",
      },
      objects: [pool("mig", { gpuProduct: A100, sharing: { mode: "mig", profiles: [{ name: "3g.40gb" }] } })],
      resources: { "nvidia.com/mig-1g.10gb.me": "2" },
      selector: { "nvidia.com/gpu.product": A100 },
    },
    {
      name: "MIG single: nvidia.com/gpu kept, nodes by <product>-MIG-<profile>",
      annotations: { "inference.ai/gpu-pool": "h100" },
      objects: [
        pool("h100", {
          gpuProduct: "NVIDIA-H100-80GB-HBM3",
          sharing: { mode: "mig", migStrategy: "single", profiles: [{ name: "1g.10gb" }] },
        }),
      ],
      resources: { "nvidia.com/gpu": "1" },
      selector: { "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3-MIG-1g.10gb" },
    },
    {
      name: "MPS: one GPU, the MPS nodes, the client limits",
      annotations: { "inference.ai/gpu-pool": "mps" },
      objects: [
        pool("mps", {
          gpuProduct: "NVIDIA-L4",
          sharing: { mode: "mps", mps: { threadPercentage: 50, pinnedMemoryLimit: "10Gi" } },
        }),
      ],
      resources: { "nvidia.com/gpu": "1" },
      selector: { "nvidia.com/gpu.product": "NVIDIA-L4", "nvidia.com/gpu.sharing-strategy": "mps" },
      env: { CUDA_MPS_ACTIVE_THREAD_PERCENTAGE: "50", CUDA_MPS_PINNED_DEVICE_MEM_LIMIT: "0=10G" },
    },
    {
      name: "MPS on a pool that renames shared GPUs: nvidia.com/gpu.shared",
      annotations: { "inference.ai/gpu-pool": "mps" },
      objects: [pool("mps", { sharing: { mode: "mps", renameSharedResource: true } })],
      resources: { "nvidia.com/gpu.shared": "1" },
      selector: { "nvidia.com/gpu.sharing-strategy": "mps" },
    },
    {
      name: "time-slicing by annotation alone",
      annotations: { "inference.ai/gpu-sharing": "timeslice", "inference.ai/gpu-count": "2" },
      objects: [],
      resources: { "nvidia.com/gpu": "2" },
      selector: { "nvidia.com/gpu.sharing-strategy": "time-slicing" },
    },
    {
      name: "exclusive: whole GPUs of the pool's product",
      annotations: { "inference.ai/gpu-pool": "big", "inference.ai/gpu-count": "4" },
      objects: [pool("big", { gpuProduct: A100, sharing: { mode: "exclusive" } })],
      resources: { "nvidia.com/gpu": "4" },
      selector: { "nvidia.com/gpu.product": A100 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const pod = gpuPod(c.annotations, {
        resources: { limits: { "nvidia.com/gpu": "1", cpu: "4" }, requests: { cpu: "4" } },
      });
      const { pod: out, engine } = enhance(pod, ...c.objects);
      assert.deepEqual(engine.resources, {
        limits: { cpu: "4", ...c.resources },
        requests: { cpu: "4", ...c.resources },
      });
      assert.deepEqual(out.spec!.nodeSelector, c.selector);
      assert.deepEqual(env(engine), c.env ?? {});
      assert.ok(!(out.spec!.volumes ?? []).length, "MPS's pipe directory is the device plugin's to mount");
    });
  }

  it("a cluster-scoped pool serves pods of every namespace", () => {
    const shared = pool("shared", { gpuProduct: A100, sharing: { mode: "timeslice" } });
    for (const namespace of ["serving", "team-b"]) {
      const pod = gpuPod({ "inference.ai/gpu-pool": "shared" });
      pod.metadata!.namespace = namespace;
      const result = enhanceGpuPod(pod, namespace, stores(shared));
      assert.ok(result.ok, result.ok ? "" : JSON.stringify(result.errors));
      assert.equal(result.value.spec!.nodeSelector?.["nvidia.com/gpu.sharing-strategy"], "time-slicing", namespace);
    }
  });

  it("warns that one CUDA process uses one MIG device when a pod asks for several", () => {
    const migPool = pool("mig", { gpuProduct: A100, sharing: { mode: "mig", profiles: [{ name: "3g.40gb" }] } });
    const warningsFor = (count: string): string[] => {
      const result = enhanceGpuPod(
        gpuPod({ "inference.ai/gpu-pool": "mig", "inference.ai/gpu-count": count }),
        "serving",
        stores(migPool),
      );
      assert.ok(result.ok, result.ok ? "" : JSON.stringify(result.errors));
      return result.warnings;
    };
    assert.ok(warningsFor("3").some((w) => /^3 MIG devices, but a CUDA process uses one/.test(w)));
    assert.ok(!warningsFor("1").some((w) => /MIG devices/.test(w)));
  });

  it("refuses what cannot work, naming it and the fix", () => {
    const migPool = pool("mig", { gpuProduct: A100, sharing: { mode: "mig", profiles: [{ name: "3g.40gb" }] } });
    denied(
      gpuPod({ "inference.ai/gpu-pool": "mig", "inference.ai/mig-profile": "3g.20gb" }),
      [migPool],
      403,
      "inference.ai/mig-profile",
    );
    denied(
      gpuPod({ "inference.ai/gpu-sharing": "mps", "inference.ai/gpu-count": "2" }),
      [],
      422,
      "inference.ai/gpu-count",
    );
    denied(gpuPod({ "inference.ai/gpu-pool": "nope" }), [], 403, "inference.ai/gpu-pool");
    denied(
      gpuPod({ "inference.ai/gpu-pool": "l4" }),
      [pool("l4", { gpuProduct: "NVIDIA-L4", sharing: { mode: "mig", profiles: [{ name: "1g.10gb" }] } })],
      403,
      "inference.ai/gpu-pool",
    );
    denied(gpuPod({ "inference.ai/gpu-sharing": "shared" }), [], 422, "inference.ai/gpu-sharing");
    denied(gpuPod({ "inference.ai/engine-container": "server" }), [], 422, "inference.ai/engine-container");
  });

  it("MPS's pinned memory limit is the pool's, exact in M (MiB) or G, or rounded down", () => {
    // NVIDIA MPS docs: CUDA_MPS_PINNED_DEVICE_MEM_LIMIT "<device>=<integer>M|G"; NVIDIA's device
    // plugin writes MiB counts with M. 1536Mi was cut to 0=1G and 512Mi doubled to 0=1G before.
    for (const [limit, expected] of [
      ["1536Mi", "0=1536M"],
      ["512Mi", "0=512M"],
      ["10Gi", "0=10G"],
      ["1G", "0=953M"],
    ]) {
      const mps = pool("mps", { sharing: { mode: "mps", mps: { pinnedMemoryLimit: limit } } });
      const { engine } = enhance(gpuPod({ "inference.ai/gpu-pool": "mps" }), mps);
      assert.equal(env(engine).CUDA_MPS_PINNED_DEVICE_MEM_LIMIT, expected, limit);
    }
  });

  it("MIG on an A30 (it has MIG: mig-parted's all-1g.6gb … all-4g.24gb), and its profiles only", () => {
    const a30 = pool("a30", { gpuProduct: "NVIDIA-A30", sharing: { mode: "mig", profiles: [{ name: "1g.6gb" }] } });
    const { engine } = enhance(gpuPod({ "inference.ai/gpu-pool": "a30" }), a30);
    assert.deepEqual(engine.resources?.limits, { "nvidia.com/mig-1g.6gb": "1" });
    denied(
      gpuPod({ "inference.ai/gpu-pool": "a30", "inference.ai/mig-profile": "3g.20gb" }),
      [a30],
      403,
      "inference.ai/mig-profile",
    );
  });

  it("a GPU product inferplane does not know is read from its nodes' GFD labels and warned about, never refused", () => {
    const x1 = pool("x1", { gpuProduct: "NVIDIA-X1", sharing: { mode: "mig", profiles: [{ name: "1g.30gb" }] } });
    const node = {
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: "gpu-1",
        labels: { "nvidia.com/gpu.product": "NVIDIA-X1", "nvidia.com/mig-1g.30gb.count": "7" },
      },
    } as KubeObject;
    const offered = enhance(gpuPod({ "inference.ai/gpu-pool": "x1" }), x1, node);
    assert.deepEqual(offered.engine.resources?.limits, { "nvidia.com/mig-1g.30gb": "1" });
    assert.deepEqual(offered.warnings, [
      "GPU NVIDIA-X1 is not in mig-parted's defaults; 1 of its nodes offer MIG 1g.30gb (GFD)",
    ]);
    const none = enhance(gpuPod({ "inference.ai/gpu-pool": "x1" }), x1);
    assert.equal(none.warnings.length, 1);
    assert.ok(none.warnings[0]!.length <= 120);
    denied(
      gpuPod({ "inference.ai/gpu-pool": "x1", "inference.ai/mig-profile": "1g 30gb" }),
      [x1],
      422,
      "inference.ai/mig-profile",
    );
  });

  it("a pod annotation beats its pool's default, and the engine container can be named", () => {
    const pod = gpuPod({
      "inference.ai/gpu-pool": "mig",
      "inference.ai/mig-profile": "7g.80gb",
      "inference.ai/engine-container": "engine",
    });
    pod.spec!.containers.unshift({ name: "proxy", image: "envoyproxy/envoy:v1.31.0" });
    const { pod: out } = enhance(
      pod,
      pool("mig", { gpuProduct: A100, sharing: { mode: "mig", profiles: [{ name: "3g.40gb" }] } }),
    );
    assert.deepEqual(out.spec!.containers[0]!.resources, undefined, "the sidecar is untouched");
    assert.deepEqual(out.spec!.containers[1]!.resources?.limits, { "nvidia.com/mig-7g.80gb": "1" });
  });
});

describe("engine flags on admission", () => {
  const pd = pdd("pd", {
    engine: "vllm",
    engineConfig: { "tensor-parallel-size": "2", "max-num-batched-tokens": "8192", "max-num-seqs": "128" },
    topologyHint: {
      nodeSelector: { zone: "rack1" },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: "nvidia.com/gpu", operator: "Exists" }] }],
          },
        },
      },
    },
    prefillResources: { limits: { "nvidia.com/gpu": "2", memory: "64Gi" } },
    decodeResources: { limits: { "nvidia.com/gpu": "2", memory: "96Gi" } },
  });

  it("vLLM decode side: engine config merged (a user flag replaced where it was, either form), NIXL consumer, topology and resources", () => {
    const pod = gpuPod(
      { "production-stack.vllm.ai/pdd": "pd", "production-stack.vllm.ai/pd-role": "decode" },
      { args: ["--max-num-seqs=64", "--tensor-parallel-size", "8"] },
    );
    const { pod: out, engine, warnings } = enhance(pod, pd);
    assert.deepEqual(engine.args, [
      "--max-num-seqs=128",
      "--tensor-parallel-size",
      "2",
      "--max-num-batched-tokens",
      "8192",
      "--kv-transfer-config",
      '{"kv_connector":"NixlConnector","kv_role":"kv_consumer"}',
    ]);
    assert.ok(warnings.includes("container engine: --max-num-seqs 64 replaced by 128"));
    assert.deepEqual(env(engine), {
      VLLM_NIXL_SIDE_CHANNEL_HOST: '{"fieldRef":{"fieldPath":"status.podIP"}}',
      VLLM_NIXL_SIDE_CHANNEL_PORT: "5600",
    });
    assert.deepEqual(engine.resources, {
      limits: { "nvidia.com/gpu": "2", memory: "96Gi" },
      requests: { "nvidia.com/gpu": "2" },
    });
    assert.deepEqual(out.spec!.nodeSelector, { zone: "rack1" });
    assert.equal(
      out.spec!.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]
        ?.matchExpressions?.[0]?.key,
      "nvidia.com/gpu",
    );
  });

  it("SGLang prefill side: its own flag names, disaggregation mode and transfer backend, metrics on", () => {
    const sg = pdd("sg", {
      engine: "sglang",
      engineConfig: { "max-num-batched-tokens": "4096", "max-num-seqs": "64" },
    });
    const pod = gpuPod(
      {
        "production-stack.vllm.ai/pdd": "sg",
        "production-stack.vllm.ai/pd-role": "prefill",
        "inference.ai/gpu-count": "4",
      },
      { command: ["python3", "-m", "sglang.launch_server", "--model-path", "m"] },
    );
    const { engine } = enhance(pod, sg);
    assert.deepEqual(engine.args, [
      "--tp-size",
      "4",
      "--chunked-prefill-size",
      "4096",
      "--max-running-requests",
      "64",
      "--enable-metrics",
      "--disaggregation-mode",
      "prefill",
      "--disaggregation-transfer-backend",
      "nixl",
    ]);
  });

  it("speculative decoding: vLLM's --speculative-config, SGLang's algorithm and draft path (through an InferenceCache too)", () => {
    const sd = speculative("sd", { draftModel: "llama-1b", targetModel: "llama-70b", numSpeculativeTokens: 4 });
    const vllm = enhance(gpuPod({ "production-stack.vllm.ai/speculative-decoding": "sd" }), sd).engine;
    assert.deepEqual(vllm.args, [
      "--speculative-config",
      '{"model":"llama-1b","num_speculative_tokens":4,"method":"draft_model"}',
    ]);
    const viaCache = enhance(
      gpuPod(
        { "production-stack.vllm.ai/inference-cache": "ic", "inference.ai/backend": "sglang" },
        { command: ["python3", "-m", "sglang.launch_server"] },
      ),
      sd,
      inferenceCache("ic", { sdRef: "sd" }),
    ).engine;
    assert.deepEqual(viaCache.args, [
      "--enable-metrics",
      "--speculative-algorithm",
      "STANDALONE",
      "--speculative-draft-model-path",
      "llama-1b",
    ]);
  });

  it("TensorRT-LLM and Triton", () => {
    const trt = enhance(
      gpuPod(
        { "inference.ai/backend": "tensorrt-llm", "inference.ai/gpu-count": "2" },
        { command: ["trtllm-serve", "m"] },
      ),
    ).engine;
    assert.deepEqual(trt.args, ["--tp_size", "2"]);
    const triton = enhance(
      gpuPod({ "inference.ai/backend": "triton" }, { command: ["tritonserver", "--model-repository=/models"] }),
    ).engine;
    assert.deepEqual(
      triton.ports?.map((p) => [p.name, p.containerPort]),
      [
        ["http", 8000],
        ["grpc", 8001],
        ["metrics", 8002],
      ],
    );
  });

  it("MIG + cache + PD together: one MultiConnector carries NIXL and LMCache", () => {
    const { engine } = enhance(
      gpuPod({
        "inference.ai/gpu-pool": "mig",
        "inference.ai/token-cache": "c",
        "production-stack.vllm.ai/pdd": "pd",
        "production-stack.vllm.ai/pd-role": "prefill",
      }),
      pool("mig", { gpuProduct: A100, sharing: { mode: "mig", profiles: [{ name: "3g.40gb" }] } }),
      tokenCache("c", { tiers: [{ name: "p", type: "prefix", size: "8Gi" }] }),
      pd,
    );
    const transfer = JSON.parse(engine.args![engine.args!.indexOf("--kv-transfer-config") + 1]!) as Record<
      string,
      unknown
    >;
    assert.deepEqual(transfer, {
      kv_connector: "MultiConnector",
      kv_role: "kv_producer",
      kv_connector_extra_config: {
        connectors: [
          { kv_connector: "NixlConnector", kv_role: "kv_producer" },
          { kv_connector: "LMCacheConnectorV1", kv_role: "kv_both" },
        ],
      },
    });
    assert.deepEqual(
      engine.resources?.limits,
      { "nvidia.com/mig-3g.40gb": "2", memory: "64Gi" },
      "the PD side's GPUs go through the pool's MIG profile",
    );
  });

  it("refuses a GPU count that is no decimal integer, and a PD side with a fraction of a GPU", () => {
    for (const count of ["0x10", "1e1", "2.0", "99999999999"])
      denied(gpuPod({ "inference.ai/gpu-count": count }), [], 422, "inference.ai/gpu-count");
    const half = pdd("half", { engine: "vllm", decodeResources: { limits: { "nvidia.com/gpu": "1.5" } } });
    denied(
      gpuPod({ "production-stack.vllm.ai/pdd": "half", "production-stack.vllm.ai/pd-role": "decode" }),
      [half],
      403,
      "production-stack.vllm.ai/pdd",
    );
  });

  it("refuses a PD role without a PDD, or an unknown role", () => {
    denied(gpuPod({ "production-stack.vllm.ai/pd-role": "decode" }), [], 422, "production-stack.vllm.ai/pdd");
    denied(
      gpuPod({ "production-stack.vllm.ai/pdd": "pd", "production-stack.vllm.ai/pd-role": "both" }),
      [pd],
      422,
      "production-stack.vllm.ai/pd-role",
    );
    denied(
      gpuPod({ "production-stack.vllm.ai/inference-cache": "none" }),
      [],
      403,
      "production-stack.vllm.ai/inference-cache",
    );
  });
});
