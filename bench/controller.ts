// Reconcile 500 ModelInfers (2 roles × 2 replicas × entry + 3 workers) from empty against the API
// double, which runs in a process of its own: wall time, API requests sent by verb, and the peak
// RSS of the controller's process (the double's printed apart).
import { modelInferReconciler } from "../src/controllers/modelinfer/reconciler.js";
import { ApiControllerClient } from "../src/controllers/runtime/client.js";
import { Controller } from "../src/controllers/runtime/controller.js";
import { InformerClusterView } from "../src/cluster-view/informer-view.js";
import { silentLogger } from "../src/logging.js";
import type { ModelInfer } from "../src/apis/matrixinfer.js";
import type { StoredObject } from "../test/support/api-double.js";
import { role } from "../test/support/objects.js";
import { RemoteApiDouble } from "./support/remote-double.js";

const COUNT = Number(process.env.BENCH_MODELINFERS ?? 500);
const MIB = 2 ** 20;

function modelInfers(): StoredObject[] {
  return Array.from({ length: COUNT }, (_, i) => {
    const mi: ModelInfer = {
      apiVersion: "workload.matrixinfer.ai/v1alpha1",
      kind: "ModelInfer",
      metadata: { name: `mi-${i}`, namespace: `ns-${i % 10}` },
      spec: { replicas: 1, template: { roles: [role("prefill", 2, 3), role("decode", 2, 3)] } },
    };
    return mi as unknown as StoredObject;
  });
}

export async function controllerBenchmark(): Promise<void> {
  const api = await RemoteApiDouble.start();
  await api.seed("workload.matrixinfer.ai/v1alpha1/modelinfers", modelInfers());
  const expectedPods = COUNT * 2 * 2 * 4;
  const view = new InformerClusterView(silentLogger, api.kubeConfig("controller"));
  const controller = new Controller(modelInferReconciler, {
    view,
    client: new ApiControllerClient(api.kubeConfig("controller")),
    log: silentLogger,
    observer: {
      observe: () => {
        passes++;
      },
    },
  });
  let passes = 0;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  await view.start();
  controller.start();
  while ((await api.count("v1/pods")) < expectedPods) await new Promise((resolve) => setTimeout(resolve, 50));
  await controller.idle();
  const wall = performance.now() - started;
  clearInterval(sampler);
  const report = await api.report("controller");
  console.log(
    `\ncontroller, ${COUNT} ModelInfers → ${expectedPods} pods + ${COUNT * 4} Services, from empty, against the API double (its own process)`,
  );
  const verbs = Object.entries(report.byVerb)
    .map(([v, n]) => `${v} ${n}`)
    .join(", ");
  console.log(
    `wall time ${(wall / 1000).toFixed(2)} s, ${report.requests} API requests (${verbs}), ` +
      `${(report.requests / (wall / 1000)).toFixed(0)} req/s, peak RSS ${(peakRss / MIB).toFixed(0)} MiB ` +
      `(the double's process: ${(report.peakRss / MIB).toFixed(0)} MiB), ${passes} reconcile passes`,
  );
  await controller.stop();
  await view.stop();
  await api.stop();
}
