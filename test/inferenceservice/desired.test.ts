import { inferenceServiceErrors } from "../../webhooks/validators/inference-service.js";
import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { Container, PodTemplateSpec, Service } from "kubernetes-types/core/v1.js";
import type { InferenceServiceSpec, ModelSource } from "../../src/apis/inference-ai.js";
import type { Backend } from "../../src/apis/inference-ai.js";
import { inferenceServiceDesired } from "../../src/controllers/inferenceservice/desired.js";
import { ENGINES } from "../../src/engines/index.js";
import type { KubeObject } from "../../src/kube/object.js";
import { dryRun } from "../../src/cli/dry-run.js";
import { StaticView } from "../support/static-view.js";
import { assertValidKubernetes } from "../support/schema.js";
import { pool, tokenCache } from "../support/gpu.js";
import { admission, childOfKind, inferenceService, NS, podOf } from "./support.js";

const SOURCES: Record<ModelSource, InferenceServiceSpec["model"]> = {
  huggingface: { name: "meta-llama/Llama-3.1-8B-Instruct", source: "huggingface", secretRef: { name: "hf" } },
  s3: { name: "llama", source: "s3", uri: "s3://models/llama-3.1-8b", secretRef: { name: "aws" } },
  gcs: { name: "llama", source: "gcs", uri: "gs://models/llama-3.1-8b", secretRef: { name: "gcp" } },
  pvc: { name: "llama", source: "pvc", pvcName: "weights" },
  local: { name: "llama", source: "local", hostPath: "/mnt/models/llama" },
};

const SHARING: Record<string, InferenceServiceSpec["gpu"]> = {
  exclusive: { count: 2, type: "NVIDIA-H100-80GB-HBM3" },
  mig: { sharing: "mig", migProfile: "3g.40gb", type: "NVIDIA-A100-SXM4-80GB" },
  mps: { sharing: "mps", pool: "l4-mps" },
  timeslice: { sharing: "timeslice", type: "nvidia-l4" },
};

const GPU_RESOURCE: Record<string, [string, string]> = {
  exclusive: ["nvidia.com/gpu", "2"],
  mig: ["nvidia.com/mig-3g.40gb", "1"],
  mps: ["nvidia.com/gpu", "1"],
  timeslice: ["nvidia.com/gpu", "1"],
};

/** A GPUPool or TokenCache in the services' namespace (GPUPool is namespaced until issue 15). */
const inNs = (obj: KubeObject): KubeObject => ({ ...obj, metadata: { ...obj.metadata, namespace: NS } });

const POOLS = [
  inNs(pool("l4-mps", { gpuProduct: "NVIDIA-L4", sharing: { mode: "mps", mps: { threadPercentage: 50 } } })),
];

function engineOf(template: PodTemplateSpec): Container {
  return template.spec!.containers[0]!;
}

/** What each source leaves on the engine container: how the model is named and reached. */
function checkSource(source: ModelSource, backend: Backend, engine: Container): void {
  const words = [...(engine.command ?? []), ...(engine.args ?? [])];
  const env = Object.fromEntries((engine.env ?? []).map((e) => [e.name, e]));
  if (source === "huggingface") {
    assert.equal(env.HF_HOME?.value, "/models/huggingface");
    assert.deepEqual(env.HF_TOKEN?.valueFrom, { secretKeyRef: { name: "hf", key: "token" } });
  }
  if (source === "s3") {
    assert.deepEqual(engine.envFrom, [{ secretRef: { name: "aws" } }]);
    if (backend === "vllm") assert.ok(words.join(" ").includes("s3://models/llama-3.1-8b --host"));
    if (backend === "triton") assert.ok(words.includes("--model-repository=s3://models/llama-3.1-8b"));
  }
  if (source === "gcs")
    assert.equal(env.GOOGLE_APPLICATION_CREDENTIALS?.value, "/var/run/secrets/inference.ai/gcs/credentials.json");
  if (source === "s3" || source === "gcs")
    assert.equal(words.includes("runai_streamer"), backend === "vllm", "vLLM streams object stores with Run:ai");
  if (source === "pvc" || source === "local")
    assert.deepEqual(engine.volumeMounts?.[0], { name: "model", mountPath: "/models", readOnly: true });
}

/** The command each backend's documentation gives. */
function checkBackend(backend: Backend, engine: Container): void {
  const words = [...(engine.command ?? []), ...(engine.args ?? [])];
  const head = {
    vllm: ["vllm", "serve"],
    sglang: ["python3", "-m", "sglang.launch_server"],
    triton: ["tritonserver"],
    "tensorrt-llm": ["trtllm-serve"],
  }[backend];
  assert.deepEqual(engine.command, head);
  if (backend !== "triton") assert.ok(words.join(" ").includes("--host 0.0.0.0 --port 8000"), words.join(" "));
  else assert.ok(words.includes("--http-port=8000") && words.includes("--grpc-port=8001"));
  assert.equal(engine.readinessProbe?.httpGet?.path, backend === "triton" ? "/v2/health/ready" : "/health");
  assert.equal(engine.startupProbe?.failureThreshold, 180, "30 minutes to download and load");
}

describe("InferenceService desired(): backend × source × sharing mode", () => {
  for (const [backend, engine] of Object.entries(ENGINES) as [Backend, (typeof ENGINES)[Backend]][]) {
    for (const source of engine.sources) {
      for (const [mode, gpu] of Object.entries(SHARING)) {
        it(`${backend} from ${source} on ${mode} GPUs: valid children, and admission changes none of its pods`, () => {
          const svc = inferenceService(`${backend}-${source}-${mode}`, { backend, model: SOURCES[source], gpu });
          const view = new StaticView(POOLS);
          const state = inferenceServiceDesired(svc, view);
          assert.equal(state.hold, undefined, state.hold);
          assert.deepEqual(
            state.children.map((c) => c.kind),
            ["Deployment", "Service"],
          );
          for (const child of state.children) assertValidKubernetes(child);
          const dep = childOfKind<Deployment>(state.children, "Deployment");
          assert.equal(dep.spec!.replicas, 1);
          assert.deepEqual(dep.spec!.strategy!.rollingUpdate, { maxSurge: 0, maxUnavailable: 1 });
          const template = dep.spec!.template;
          const container = engineOf(template);
          checkBackend(backend, container);
          checkSource(source, backend, container);
          const [resource, count] = GPU_RESOURCE[mode]!;
          assert.equal(container.resources?.limits?.[resource], count, JSON.stringify(container.resources));
          const pod = podOf(template, `${svc.metadata.name}-abc12`);
          assertValidKubernetes(pod);
          const run = dryRun(pod, admission(POOLS));
          assert.equal(run.mutation.allowed, true, run.mutation.status?.message);
          assert.equal(run.validation?.allowed, true, run.validation?.status?.message);
          assert.deepEqual(run.patch, [], "the template is already what admission makes of it");
        });
      }
    }
  }

  it("the Service has port http (Triton also grpc and metrics) and the url its DNS name", () => {
    const triton = inferenceService("t", { backend: "triton", model: SOURCES.pvc });
    const svc = childOfKind<Service>(inferenceServiceDesired(triton, new StaticView()).children, "Service");
    assert.deepEqual(
      svc.spec!.ports!.map((p) => `${p.name}:${p.port}`),
      ["http:8000", "grpc:8001", "metrics:8002"],
    );
  });

  it("maps backendConfig to each engine's own flags, extraArgs last", () => {
    const config = { maxBatchSize: 64, maxSeqLen: 8192, extraArgs: ["--seed", "7"] };
    const args = (backend: Backend, extra: Partial<InferenceServiceSpec> = {}): string => {
      const svc = inferenceService("f", { backend, backendConfig: config, gpu: { count: 2 }, ...extra });
      const dep = childOfKind<Deployment>(inferenceServiceDesired(svc, new StaticView()).children, "Deployment");
      return (engineOf(dep.spec!.template).args ?? []).join(" ");
    };
    assert.match(args("vllm"), /--tensor-parallel-size 2 --max-num-seqs 64 --max-model-len 8192 --seed 7$/);
    assert.match(args("sglang"), /--tp-size 2 --max-running-requests 64 --context-length 8192 --seed 7/);
    assert.match(args("tensorrt-llm"), /--tp_size 2 --pp_size 1 --max_batch_size 64 --max_seq_len 8192 --seed 7$/);
    assert.match(
      args("vllm", { backendConfig: { quantization: "awq" }, model: { name: "m", revision: "v2" } }),
      /--quantization awq --revision v2/,
    );
  });

  it("tensor parallelism gets a memory-backed /dev/shm; gpu.type a product node selector or a family affinity", () => {
    const dep = (spec: Partial<InferenceServiceSpec>): Deployment =>
      childOfKind<Deployment>(
        inferenceServiceDesired(inferenceService("s", spec), new StaticView()).children,
        "Deployment",
      );
    const tp = dep({ gpu: { count: 4, type: "NVIDIA-H100-80GB-HBM3" } }).spec!.template.spec!;
    assert.deepEqual(
      tp.volumes?.find((v) => v.name === "dshm"),
      { name: "dshm", emptyDir: { medium: "Memory" } },
    );
    assert.equal(tp.nodeSelector?.["nvidia.com/gpu.product"], "NVIDIA-H100-80GB-HBM3");
    const family = dep({ gpu: { type: "nvidia-a100" } }).spec!.template.spec!;
    assert.equal(
      family.volumes?.some((v) => v.name === "dshm"),
      false,
    );
    const term = family.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0];
    assert.ok(term?.matchExpressions?.[0]?.values?.includes("NVIDIA-A100-SXM4-80GB"));
  });

  it("a TokenCache configures LMCache on the engine, as admission would", () => {
    const cache = inNs(tokenCache("chat", { tiers: [{ name: "p", type: "prefix", size: "8Gi" }] }));
    const svc = inferenceService("c", { cache: { enabled: true, tokenCacheRef: "chat" } });
    const state = inferenceServiceDesired(svc, new StaticView([cache]));
    const template = childOfKind<Deployment>(state.children, "Deployment").spec!.template;
    const env = engineOf(template).env!.map((e) => e.name);
    assert.ok(env.includes("LMCACHE_MAX_LOCAL_CPU_SIZE"), env.join());
    const run = dryRun(podOf(template, "c-1"), admission([cache]));
    assert.deepEqual(run.patch, []);
  });

  it("refuses what the engine cannot do, naming field and fix, and holds the children", () => {
    const cases: [Partial<InferenceServiceSpec>, string][] = [
      [{ backend: "triton", model: { name: "m", source: "huggingface" } }, "spec.model.source"],
      [{ backend: "tensorrt-llm", model: { name: "m", source: "s3", uri: "s3://b/m" } }, "spec.model.source"],
      [{ backend: "tensorrt-llm", backendConfig: { quantization: "fp8" } }, "spec.backendConfig.quantization"],
      [{ backend: "vllm", backendConfig: { quantization: "int3" } }, "spec.backendConfig.quantization"],
      [{ backend: "triton", model: SOURCES.pvc, backendConfig: { pipelineParallelism: 2 } }, "pipelineParallelism"],
      [{ gpu: { count: 2 }, backendConfig: { tensorParallelism: 4 } }, "spec.backendConfig.tensorParallelism"],
      [{ model: { name: "m", source: "s3", uri: "https://x" } }, "spec.model.uri"],
      [
        { backend: "tensorrt-llm", autoscaling: { maxReplicas: 3, metrics: [{ type: "latency", target: 500 }] } },
        "spec.autoscaling.metrics[0].type",
      ],
    ];
    for (const [spec, path] of cases) {
      const state = inferenceServiceDesired(inferenceService("bad", spec), new StaticView());
      assert.ok(state.hold?.includes(path), `${JSON.stringify(spec)}: ${state.hold ?? "not held"}`);
      assert.deepEqual(state.children, []);
      assert.equal(state.events?.[0]?.reason, "InvalidSpec");
    }
  });

  it("refuses a name its Service or its multi-node ModelInfer's hostnames cannot carry (Kubernetes' DNS rules)", () => {
    // qwen2.5-72b is a fine InferenceService name (a DNS-1123 subdomain) but not a Service name (a
    // DNS-1035 label), nor, multi-node, the hostname of its entry pod (a DNS-1123 label).
    for (const spec of [{}, { backendConfig: { pipelineParallelism: 2 } }]) {
      const errors = inferenceServiceErrors(inferenceService("qwen2.5-72b", spec));
      assert.deepEqual(
        errors.map((e) => e.path),
        ["metadata.name"],
      );
      assert.ok(errors[0]!.fix.startsWith("remove '.' from metadata.name"), errors[0]!.fix);
    }
    // 7b-chat starts with a digit: no Service name; and 51 characters make a 64-character entry hostname when multi-node.
    assert.deepEqual(
      inferenceServiceErrors(inferenceService("7b-chat")).map((e) => e.path),
      ["metadata.name"],
    );
    assert.deepEqual(inferenceServiceErrors(inferenceService("l".repeat(51))), []);
    assert.deepEqual(
      inferenceServiceErrors(inferenceService("l".repeat(51), { backendConfig: { pipelineParallelism: 2 } })).map(
        (e) => e.path,
      ),
      ["metadata.name"],
    );
  });

  it("refuses more pods per replica than a cluster has nodes, and more pods than a cluster runs", () => {
    const paths = (spec: Partial<InferenceServiceSpec>): string[] =>
      inferenceServiceErrors(inferenceService("big", spec)).map((e) => e.path);
    assert.deepEqual(paths({ backendConfig: { pipelineParallelism: 5000 } }), []);
    assert.deepEqual(paths({ backendConfig: { pipelineParallelism: 2147483648 } }), [
      "spec.backendConfig.pipelineParallelism",
    ]);
    assert.deepEqual(paths({ backendConfig: { pipelineParallelism: 1e15 } }), [
      "spec.backendConfig.pipelineParallelism",
    ]);
    assert.deepEqual(paths({ replicas: 31, backendConfig: { pipelineParallelism: 5000 } }), ["spec.replicas"]);
    const held = inferenceServiceDesired(
      inferenceService("big", { backendConfig: { pipelineParallelism: 2147483648 } }),
      new StaticView([]),
    );
    assert.equal(held.children.length, 0);
    assert.ok(held.hold?.includes("pipelineParallelism"), held.hold);
  });

  it("holds, with one Event, while a GPUPool or TokenCache it names is missing; not again once said", () => {
    const svc = inferenceService("wait", { gpu: { pool: "gone" } });
    const state = inferenceServiceDesired(svc, new StaticView());
    assert.match(state.hold ?? "", /GPUPool gone does not exist/);
    assert.deepEqual(
      state.events?.map((e) => e.reason),
      ["GPUPoolNotFound"],
    );
    svc.status = {
      conditions: [
        { type: "GPUPoolResolved", status: "False", reason: "GPUPoolNotFound", message: "", lastTransitionTime: "x" },
      ],
    };
    assert.deepEqual(inferenceServiceDesired(svc, new StaticView()).events, []);
  });

  it("holds and looks again while the source's Secret is missing (read by the runtime, never watched)", () => {
    const svc = inferenceService("hf", { model: SOURCES.huggingface });
    const lookups = new Map([["Secret serving/hf", false]]);
    const state = inferenceServiceDesired(svc, new StaticView(), lookups);
    assert.equal(state.events?.[0]?.reason, "SecretNotFound");
    assert.equal(state.recheckAfterMs, 30_000);
    assert.equal(
      inferenceServiceDesired(svc, new StaticView(), new Map([["Secret serving/hf", true]])).hold,
      undefined,
    );
  });
});
