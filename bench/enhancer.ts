// The pure admission path in-process (no TLS, no HTTP): what one mutation costs on the CPU.
import { processMutation } from "../webhooks/mutate-processor.js";
import type { AdmissionRequest } from "../webhooks/admission-review.js";
import { FileClusterView } from "../src/cluster-view/file-view.js";
import { silentLogger } from "../src/logging.js";
import { DEFAULT_MANIFESTS_DIR } from "../src/paths.js";
import { fmt, summarize } from "./stats.js";

export async function enhancerBenchmark(): Promise<void> {
  const view = new FileClusterView(DEFAULT_MANIFESTS_DIR, silentLogger, false);
  await view.start();
  const ctx = { view, policy: { excludedNamespaces: new Set(["kube-system"]) } };
  const containers = ["engine", "metrics", "cache", "proxy"].map((name) => ({
    name,
    image: "vllm/vllm-openai:v0.11.0",
    env: [{ name: "HF_HOME", value: "/cache" }],
  }));
  const request: AdmissionRequest = {
    uid: "bench",
    kind: { group: "", version: "v1", kind: "Pod" },
    operation: "CREATE",
    namespace: "default",
    object: {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "llama-405b-1-serve-0-2",
        labels: {
          "inference.ai/managed": "true",
          "modelinfer.matrixinfer.ai/name": "llama-405b",
          "modelinfer.matrixinfer.ai/role": "serve",
        },
      },
      spec: { containers },
    },
  };
  const skipped: AdmissionRequest = {
    ...request,
    object: { apiVersion: "v1", kind: "Pod", metadata: { name: "x" }, spec: { containers } },
  };
  // The same worker pod asking for a MIG slice, the three-tier token cache, a PD side and speculative decoding (examples/gpu).
  const gpuAnnotations = {
    "inference.ai/gpu-pool": "a100-mig",
    "inference.ai/token-cache": "chat-cache",
    "production-stack.vllm.ai/inference-cache": "llama3-cache",
    "production-stack.vllm.ai/pd-role": "prefill",
  };
  const gpuObject = request.object as { metadata: Record<string, unknown>; spec: { containers: unknown[] } };
  const gpu: AdmissionRequest = {
    ...request,
    object: {
      ...gpuObject,
      metadata: { ...gpuObject.metadata, annotations: gpuAnnotations },
      spec: {
        containers: [
          { ...containers[0], command: ["vllm", "serve", "meta-llama/Llama-3.1-8B-Instruct"] },
          ...containers.slice(1),
        ],
      },
    },
  };
  const medians: number[] = [];
  for (const [label, req] of [
    ["opted-in worker pod (4 containers)", request],
    ["the same pod with MIG + token cache + PD + SD", gpu],
    ["pod that did not opt in", skipped],
  ] as const) {
    for (let i = 0; i < 2000; i++) processMutation(req, ctx);
    const latencies: number[] = [];
    const started = performance.now();
    for (let i = 0; i < 20000; i++) {
      const t0 = performance.now();
      processMutation(req, ctx);
      latencies.push(performance.now() - t0);
    }
    const s = summarize(latencies, performance.now() - started);
    medians.push(s.p50);
    console.log(`in-process mutation, ${label}: p50 ${fmt(s.p50)}, p99 ${fmt(s.p99)}, ${s.perSecond.toFixed(0)}/s`);
  }
  // Interleaved, so the machine's drift hits both alike: the ratio is the figure to compare.
  const plainTimes: number[] = [];
  const gpuTimes: number[] = [];
  for (let i = 0; i < 20000; i++) {
    const t0 = performance.now();
    processMutation(request, ctx);
    const t1 = performance.now();
    processMutation(gpu, ctx);
    plainTimes.push(t1 - t0);
    gpuTimes.push(performance.now() - t1);
  }
  const plainP50 = summarize(plainTimes, 1).p50;
  const gpuP50 = summarize(gpuTimes, 1).p50;
  console.log(
    `interleaved p50: worker pod ${fmt(plainP50)}, with MIG + cache + PD + SD ${fmt(gpuP50)}, ratio ${(gpuP50 / plainP50).toFixed(2)} (medians above: ${medians.map((m) => fmt(m)).join(", ")})`,
  );
}
