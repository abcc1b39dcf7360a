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
  const containers = ["engine", "metrics", "cache", "proxy"].map((name) => ({ name, image: "vllm/vllm-openai:v0.11.0", env: [{ name: "HF_HOME", value: "/cache" }] }));
  const request: AdmissionRequest = {
    uid: "bench",
    kind: { group: "", version: "v1", kind: "Pod" },
    operation: "CREATE",
    namespace: "default",
    object: { apiVersion: "v1", kind: "Pod", metadata: { name: "llama-405b-1-serve-0-2", labels: { "inference.ai/managed": "true", "modelinfer.matrixinfer.ai/name": "llama-405b", "modelinfer.matrixinfer.ai/role": "serve" } }, spec: { containers } },
  };
  const skipped: AdmissionRequest = { ...request, object: { apiVersion: "v1", kind: "Pod", metadata: { name: "x" }, spec: { containers } } };
  for (const [label, req] of [["opted-in worker pod (4 containers)", request], ["pod that did not opt in", skipped]] as const) {
    for (let i = 0; i < 2000; i++) processMutation(req, ctx);
    const latencies: number[] = [];
    const started = performance.now();
    for (let i = 0; i < 20000; i++) {
      const t0 = performance.now();
      processMutation(req, ctx);
      latencies.push(performance.now() - t0);
    }
    const s = summarize(latencies, performance.now() - started);
    console.log(`in-process mutation, ${label}: p50 ${fmt(s.p50)}, p99 ${fmt(s.p99)}, ${s.perSecond.toFixed(0)}/s`);
  }
}
