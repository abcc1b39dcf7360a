import assert from "node:assert/strict";
import type { HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2.js";
import { ScaledObject as KedaScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import type { ModelInfer } from "../../src/apis/matrixinfer.js";
import { inferenceServiceDesired } from "../../src/controllers/inferenceservice/desired.js";
import { desiredState } from "../../src/controllers/modelinfer/desired.js";
import type { ScaledObject } from "../../src/keda/scaled-object.js";
import { dryRun } from "../../src/cli/dry-run.js";
import { schemaProblems } from "../support/crd-schema.js";
import { crdSchema } from "../../src/apis/crds.js";
import { assertValidKubernetes } from "../support/schema.js";
import { StaticView } from "../support/static-view.js";
import { admission, childOfKind, inferenceService } from "./support.js";

const KEDA_INSTALLED = new Map([["CustomResourceDefinition /scaledobjects.keda.sh", true]]);
const KEDA_ABSENT = new Map([["CustomResourceDefinition /scaledobjects.keda.sh", false]]);
const SCALING = {
  minReplicas: 2,
  maxReplicas: 8,
  scaleUpStabilizationSeconds: 30,
  scaleDownStabilizationSeconds: 600,
  metrics: [
    { type: "gpu-utilization" as const, target: 80 },
    { type: "queue-depth" as const, target: 5 },
    { type: "latency" as const, target: 500 },
  ],
};

describe("InferenceService desired(): multi-node and autoscaling", () => {
  it("pipelineParallelism 2 is a gang-scheduled ModelInfer: a Ray head running vllm serve, a Ray worker", () => {
    const svc = inferenceService("llama-405b", {
      gpu: { count: 8, type: "NVIDIA-H100-80GB-HBM3" },
      backendConfig: { pipelineParallelism: 2 },
      replicas: 2,
    });
    const state = inferenceServiceDesired(svc, new StaticView());
    assert.deepEqual(
      state.children.map((c) => c.kind),
      ["ModelInfer", "Service"],
    );
    const mi = childOfKind<ModelInfer>(state.children, "ModelInfer");
    const crd = crdSchema("workload.matrixinfer.ai/v1alpha1", "ModelInfer")!;
    assert.deepEqual(schemaProblems(crd, mi), []);
    assert.equal(mi.spec.replicas, 2);
    const role = mi.spec.template.roles[0]!;
    assert.equal(role.workerReplicas, 1);
    assert.deepEqual(mi.spec.template.gangSchedule, {});
    const head = role.entryTemplate.spec!.containers[0]!;
    assert.match(head.command![2]!, /ray start --head --port=6379/);
    // The engine's words are in the script (after it, sh would hand them over as $0, $1…, never to vllm).
    assert.equal(head.args, undefined);
    assert.match(
      head.command![2]!,
      /\nexec vllm serve meta-llama\/Llama-3.1-8B-Instruct .*--tensor-parallel-size 8 --pipeline-parallel-size 2 --distributed-executor-backend ray$/,
    );
    const worker = role.workerTemplate!.spec!.containers[0]!;
    assert.match(worker.command![2]!, /ray start --address="\$\{ENTRY_ADDRESS\}:6379" --block/);
    assert.equal(worker.readinessProbe, undefined, "a Ray worker serves no HTTP");
    assert.equal(worker.resources?.limits?.["nvidia.com/gpu"], "8", "each node gets its GPUs");
    const service = state.children.find((c) => c.kind === "Service") as { spec: { selector: Record<string, string> } };
    assert.equal(service.spec.selector["modelinfer.matrixinfer.ai/entry"], "true");
    // The ModelInfer controller's pods, then admission: nothing left to change.
    const stored = { ...mi, metadata: { ...mi.metadata, uid: "mi-uid" } };
    const ctx = admission([stored]);
    for (const pod of desiredState(stored).flatMap((g) => g.pods)) {
      assertValidKubernetes(pod);
      const run = dryRun(pod, ctx);
      assert.equal(run.mutation.allowed, true, run.mutation.status?.message);
      assert.deepEqual(run.patch, [], pod.metadata?.name);
    }
  });

  it("auto with KEDA installed: a ScaledObject valid by KEDA's schema, thresholds per replica, latency in seconds", () => {
    const svc = inferenceService("scaled", { autoscaling: SCALING, replicas: 3 });
    const state = inferenceServiceDesired(svc, new StaticView(), KEDA_INSTALLED);
    const so = childOfKind<ScaledObject>(state.children, "ScaledObject");
    new KedaScaledObject(so).validate();
    assert.throws(() => {
      new KedaScaledObject({ ...so, spec: { ...so.spec, triggers: "x" } } as never).validate();
    });
    assert.deepEqual(so.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "scaled" });
    assert.equal(so.spec.minReplicaCount, 2, "never KEDA's default of 0 unless asked");
    assert.deepEqual(
      so.spec.triggers.map((t) => [t.metricType, t.metadata.threshold, t.metadata.query]),
      [
        ["AverageValue", "80", 'sum(inference:pod_gpu_utilization{namespace="serving",inferenceservice="scaled"})'],
        ["AverageValue", "5", 'sum(inference:pod_queue_depth{namespace="serving",inferenceservice="scaled"})'],
        [
          "Value",
          "0.5",
          'max(inference:pod_request_latency_p95_seconds{namespace="serving",inferenceservice="scaled"})',
        ],
      ],
    );
    assert.ok(
      so.spec.triggers.every((t) => !("metricName" in t.metadata)),
      "metricName was removed in KEDA 2.12",
    );
    assert.deepEqual(so.spec.advanced?.horizontalPodAutoscalerConfig?.behavior, {
      scaleUp: { stabilizationWindowSeconds: 30 },
      scaleDown: { stabilizationWindowSeconds: 600 },
    });
    const dep = state.children.find((c) => c.kind === "Deployment") as { spec: { replicas?: number } };
    assert.equal(dep.spec.replicas, undefined, "the autoscaler owns the replicas");
    assert.equal(state.recheckAfterMs, undefined);
  });

  it("auto without KEDA: an autoscaling/v2 HPA on prometheus-adapter's Pods metrics, and a later look for KEDA", () => {
    const svc = inferenceService("scaled", { autoscaling: SCALING });
    const state = inferenceServiceDesired(svc, new StaticView(), KEDA_ABSENT);
    const hpa = childOfKind<HorizontalPodAutoscaler>(state.children, "HorizontalPodAutoscaler");
    assertValidKubernetes(hpa);
    assert.deepEqual(
      hpa.spec!.metrics!.map((m) => [m.pods?.metric.name, m.pods?.target.averageValue]),
      [
        ["inference_gpu_utilization", "80"],
        ["inference_queue_depth", "5"],
        ["inference_request_latency_seconds", "500m"],
      ],
    );
    assert.deepEqual([hpa.spec!.minReplicas, hpa.spec!.maxReplicas], [2, 8]);
    assert.equal(hpa.spec!.behavior?.scaleDown?.stabilizationWindowSeconds, 600);
    assert.equal(state.recheckAfterMs, 300_000);
  });

  it("keda forced without KEDA: no ScaledObject the API would refuse; hpa forced: an HPA even with KEDA", () => {
    const keda = inferenceService("k", { autoscaling: { ...SCALING, strategy: "keda" } });
    assert.deepEqual(
      inferenceServiceDesired(keda, new StaticView(), KEDA_ABSENT).children.map((c) => c.kind),
      ["Deployment", "Service"],
    );
    const hpa = inferenceService("h", { autoscaling: { ...SCALING, strategy: "hpa" } });
    assert.ok(
      inferenceServiceDesired(hpa, new StaticView(), KEDA_INSTALLED).children.some(
        (c) => c.kind === "HorizontalPodAutoscaler",
      ),
    );
  });

  it("optimizer: no autoscaler object; the workload gets spec.replicas, which the optimizer loop writes", () => {
    const svc = inferenceService("o", { replicas: 4, autoscaling: { strategy: "optimizer", maxReplicas: 8 } });
    const state = inferenceServiceDesired(svc, new StaticView(), KEDA_INSTALLED);
    assert.deepEqual(
      state.children.map((c) => c.kind),
      ["Deployment", "Service"],
    );
    const replicas = (s: typeof svc): number | undefined =>
      (inferenceServiceDesired(s, new StaticView(), KEDA_INSTALLED).children[0] as { spec: { replicas?: number } }).spec
        .replicas;
    assert.equal(replicas(svc), 4);
    const before = inferenceService("b", { autoscaling: { strategy: "optimizer", minReplicas: 2, maxReplicas: 8 } });
    assert.equal(replicas(before), 2, "before the loop's first cycle: minReplicas");
    const hpa = inferenceService("h", { replicas: 4, autoscaling: { ...SCALING, strategy: "hpa" } });
    assert.equal(replicas(hpa), undefined, "an HPA owns them");
  });

  it("a multi-node service scales its ModelInfer through the scale subresource", () => {
    const svc = inferenceService("mn", { backendConfig: { pipelineParallelism: 2 }, autoscaling: SCALING });
    const hpa = childOfKind<HorizontalPodAutoscaler>(
      inferenceServiceDesired(svc, new StaticView(), KEDA_ABSENT).children,
      "HorizontalPodAutoscaler",
    );
    assert.deepEqual(hpa.spec!.scaleTargetRef, {
      apiVersion: "workload.matrixinfer.ai/v1alpha1",
      kind: "ModelInfer",
      name: "mn",
    });
  });
});
