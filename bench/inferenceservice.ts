// Render and reconcile 1,000 InferenceServices from empty against the in-process API double
// (issue 14): render = desired() of each over a static view; reconcile = the controller creating
// every Deployment, Service and HPA and writing every status. Wall time, requests by verb, peak
// RSS; `npm run bench -- inferenceservice` prints the ModelInfer controller's figures beside it.
import { inferenceServiceReconciler } from "../src/controllers/inferenceservice/reconciler.js";
import { inferenceServiceDesired } from "../src/controllers/inferenceservice/desired.js";
import { ApiControllerClient } from "../src/controllers/runtime/client.js";
import { Controller } from "../src/controllers/runtime/controller.js";
import { InformerClusterView } from "../src/cluster-view/informer-view.js";
import { silentLogger } from "../src/logging.js";
import type { InferenceService } from "../src/apis/inference-ai.js";
import { ApiDouble, type StoredObject } from "../test/support/api-double.js";
import { StaticView } from "../test/support/static-view.js";
import { percentile } from "./stats.js";

const COUNT = Number(process.env.BENCH_INFERENCESERVICES ?? 1000);

/** Every fourth one autoscaled, every third on MIG, the rest on whole GPUs with tensor parallelism. */
function service(i: number): InferenceService {
  const svc: InferenceService = {
    apiVersion: "inference.ai/v1alpha1",
    kind: "InferenceService",
    metadata: { name: `isvc-${i}`, namespace: `ns-${i % 10}`, uid: `u-${i}` },
    spec: {
      model: { name: "meta-llama/Llama-3.1-8B-Instruct" },
      backend: i % 2 === 0 ? "vllm" : "sglang",
      replicas: 2,
      gpu: i % 3 === 0 ? { sharing: "mig", migProfile: "3g.40gb", type: "nvidia-a100" } : { count: 2 },
    },
  };
  if (i % 4 === 0) svc.spec.autoscaling = { maxReplicas: 4, metrics: [{ type: "gpu-utilization", target: 80 }] };
  return svc;
}

function renderFigures(): void {
  const view = new StaticView();
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < COUNT; i++) {
    const t = performance.now();
    inferenceServiceDesired(service(i), view, new Map());
    times.push(performance.now() - t);
  }
  const wall = performance.now() - started;
  times.sort((a, b) => a - b);
  console.log(
    `render: ${COUNT} InferenceServices in ${wall.toFixed(0)} ms (p50 ${percentile(times, 50).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms per service)`,
  );
}

export async function inferenceServiceBenchmark(): Promise<void> {
  renderFigures();
  const api = new ApiDouble();
  await api.start();
  for (let i = 0; i < COUNT; i++) {
    const svc = service(i);
    // The API double assigns the uid, as the apiserver would.
    const metadata = { name: svc.metadata.name, namespace: svc.metadata.namespace };
    api.create("inference.ai/v1alpha1/inferenceservices", { ...svc, metadata } as unknown as StoredObject);
  }
  const view = new InformerClusterView(silentLogger, api.kubeConfig("controller"));
  const controller = new Controller(inferenceServiceReconciler, {
    view,
    client: new ApiControllerClient(api.kubeConfig("controller")),
    log: silentLogger,
    workers: 4,
  });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  await view.start();
  controller.start();
  const statuses = (): number =>
    api.list("inference.ai/v1alpha1/inferenceservices").filter((o) => o.status !== undefined).length;
  while (api.list("apps/v1/deployments").length < COUNT || statuses() < COUNT)
    await new Promise((resolve) => setTimeout(resolve, 50));
  await controller.idle();
  const wall = performance.now() - started;
  clearInterval(sampler);
  const requests = api.requestsBy.get("controller") ?? [];
  const byVerb = new Map<string, number>();
  for (const r of requests) byVerb.set(r.split(" ")[0] ?? "", (byVerb.get(r.split(" ")[0] ?? "") ?? 0) + 1);
  console.log(
    `\nInferenceService controller, ${COUNT} InferenceServices → ${COUNT} Deployments + ${COUNT} Services + ${api.list("autoscaling/v2/horizontalpodautoscalers").length} HPAs, from empty, against the in-process API double (same process)`,
  );
  console.log(
    `wall time ${(wall / 1000).toFixed(2)} s, ${requests.length} API requests (${[...byVerb].map(([v, n]) => `${v} ${n}`).join(", ")}), ${(requests.length / (wall / 1000)).toFixed(0)} req/s, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
  );
  await controller.stop();
  await view.stop();
  await api.stop();
}
