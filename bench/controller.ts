// Reconcile 500 ModelInfers (2 roles × 2 replicas × entry + 3 workers) from empty against the
// in-process API double (issue 3): wall time, API requests sent, peak RSS.
import { modelInferReconciler } from "../src/controllers/modelinfer/reconciler.js";
import { ApiControllerClient } from "../src/controllers/runtime/client.js";
import { Controller } from "../src/controllers/runtime/controller.js";
import { InformerClusterView } from "../src/cluster-view/informer-view.js";
import { silentLogger } from "../src/logging.js";
import type { ModelInfer } from "../src/apis/matrixinfer.js";
import { ApiDouble, type StoredObject } from "../test/support/api-double.js";
import { role } from "../test/support/objects.js";

const COUNT = Number(process.env.BENCH_MODELINFERS ?? 500);

export async function controllerBenchmark(): Promise<void> {
  const api = new ApiDouble();
  await api.start();
  for (let i = 0; i < COUNT; i++) {
    const mi: ModelInfer = {
      apiVersion: "workload.matrixinfer.ai/v1alpha1",
      kind: "ModelInfer",
      metadata: { name: `mi-${i}`, namespace: `ns-${i % 10}` },
      spec: { replicas: 1, template: { roles: [role("prefill", 2, 3), role("decode", 2, 3)] } },
    };
    api.create("workload.matrixinfer.ai/v1alpha1/modelinfers", mi as unknown as StoredObject);
  }
  const expectedPods = COUNT * 2 * 2 * 4;
  const view = new InformerClusterView(silentLogger, api.kubeConfig("controller"));
  const controller = new Controller(modelInferReconciler, {
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
  while (api.list("v1/pods").length < expectedPods) await new Promise((resolve) => setTimeout(resolve, 50));
  await controller.idle();
  const wall = performance.now() - started;
  clearInterval(sampler);
  const requests = api.requestsBy.get("controller") ?? [];
  const byVerb = requests.reduce<Record<string, number>>(
    (acc, r) => ({ ...acc, [r.split(" ")[0]!]: (acc[r.split(" ")[0]!] ?? 0) + 1 }),
    {},
  );
  console.log(
    `\ncontroller, ${COUNT} ModelInfers → ${expectedPods} pods + ${COUNT * 4} Services, from empty, against the in-process API double (same process)`,
  );
  console.log(
    `wall time ${(wall / 1000).toFixed(2)} s, ${requests.length} API requests (${Object.entries(byVerb)
      .map(([v, n]) => `${v} ${n}`)
      .join(
        ", ",
      )}), ${(requests.length / (wall / 1000)).toFixed(0)} req/s, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
  );
  await controller.stop();
  await view.stop();
  await api.stop();
}
