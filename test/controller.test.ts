import { strict as assert } from "node:assert";
import { modelInferReconciler } from "../src/controllers/modelinfer/reconciler.js";
import { ApiControllerClient } from "../src/controllers/runtime/client.js";
import { Controller } from "../src/controllers/runtime/controller.js";
import { InformerClusterView } from "../src/cluster-view/informer-view.js";
import { silentLogger } from "../src/logging.js";
import type { ModelInfer } from "../src/apis/matrixinfer.js";
import { ApiDouble, type StoredObject } from "./support/api-double.js";
import { role } from "./support/objects.js";
import { assertValidKubernetes } from "./support/schema.js";
import { waitFor } from "./support/test-server.js";

const MODELINFERS = "workload.matrixinfer.ai/v1alpha1/modelinfers";
const PODS = "v1/pods";

function sample(replicas: number): StoredObject {
  const mi: ModelInfer = {
    apiVersion: "workload.matrixinfer.ai/v1alpha1",
    kind: "ModelInfer",
    metadata: { name: "sample", namespace: "ml" },
    spec: {
      replicas,
      template: {
        roles: [role("prefill", 1, 0), role("decode", 1, 2)],
        gangSchedule: { networkTopology: { mode: "hard" } },
      },
    },
  };
  return mi as unknown as StoredObject;
}

function modelInferController(api: ApiDouble, view: InformerClusterView): Controller<ModelInfer, unknown> {
  return new Controller(modelInferReconciler, {
    view,
    client: new ApiControllerClient(api.kubeConfig()),
    log: silentLogger,
    minRetryMs: 20,
  });
}

function names(api: ApiDouble, resource: string): string[] {
  return api
    .list(resource)
    .map((o) => o.metadata.name)
    .sort();
}

describe("ModelInfer controller (against the API double)", function () {
  this.timeout(20_000);
  let api: ApiDouble;
  let view: InformerClusterView;
  let controller: Controller<ModelInfer, unknown>;

  beforeEach(async () => {
    api = new ApiDouble();
    await api.start();
    view = new InformerClusterView(silentLogger, api.kubeConfig());
    controller = modelInferController(api, view);
  });
  afterEach(async () => {
    await controller.stop();
    await view.stop();
    await api.stop();
  });

  async function run(): Promise<void> {
    await view.start();
    controller.start();
  }

  it("creates every InferGroup's pods, headless Services and PodGroups, owned by the ModelInfer, and writes status", async () => {
    const mi = api.create(MODELINFERS, sample(2));
    await run();
    await waitFor(
      () => api.list(PODS).length === 8 && api.get(MODELINFERS, "ml", "sample")?.status !== undefined,
      5000,
    );
    assert.deepEqual(names(api, PODS), [
      "sample-0-decode-0-0",
      "sample-0-decode-0-1",
      "sample-0-decode-0-2",
      "sample-0-prefill-0-0",
      "sample-1-decode-0-0",
      "sample-1-decode-0-1",
      "sample-1-decode-0-2",
      "sample-1-prefill-0-0",
    ]);
    assert.deepEqual(names(api, "v1/services"), [
      "sample-0-decode-0-0",
      "sample-0-prefill-0-0",
      "sample-1-decode-0-0",
      "sample-1-prefill-0-0",
    ]);
    assert.deepEqual(names(api, "scheduling.volcano.sh/v1beta1/podgroups"), ["sample-0", "sample-1"]);
    for (const pod of api.list(PODS)) {
      assertValidKubernetes(pod);
      assert.equal(pod.metadata.ownerReferences?.[0]?.uid, mi.metadata.uid);
    }
    await waitFor(
      () =>
        (api.get(MODELINFERS, "ml", "sample")?.status as { currentReplicas?: number } | undefined)?.currentReplicas ===
        2,
      5000,
    );
    const status = api.get(MODELINFERS, "ml", "sample")!.status as {
      replicas: number;
      availableReplicas: number;
      labelSelector: string;
      observedGeneration: number;
      conditions: Array<{ type: string; status: string }>;
    };
    assert.equal(status.replicas, 2);
    assert.equal(status.availableReplicas, 0);
    assert.equal(status.labelSelector, "modelinfer.matrixinfer.ai/name=sample");
    assert.equal(status.observedGeneration, 1);
    assert.deepEqual(
      status.conditions.map((c) => `${c.type}=${c.status}`),
      ["Available=False", "Progressing=True", "UpdateInProgress=False"],
    );
    const events = api.list("v1/events") as unknown as Array<{
      reason: string;
      type: string;
      message: string;
      involvedObject: { name: string; uid: string };
    }>;
    const created = events.filter((e) => e.reason === "Created");
    assert.equal(created.length, 1, "one Event for what one pass created");
    assert.equal(
      created[0]!.message,
      "created Pod sample-0-prefill-0-0, Pod sample-0-decode-0-0, Pod sample-0-decode-0-1, Pod sample-0-decode-0-2, " +
        "Service sample-0-prefill-0-0, Service sample-0-decode-0-0, PodGroup sample-0, Pod sample-1-prefill-0-0 and 6 more",
    );
    assert.ok(events.every((e) => e.involvedObject.name === "sample" && e.involvedObject.uid === mi.metadata.uid));
  });

  it("reports groups available once their pods run and are ready", async () => {
    api.create(MODELINFERS, sample(1));
    await run();
    await waitFor(() => api.list(PODS).length === 4, 5000);
    for (const pod of api.list(PODS)) {
      api.update(PODS, "ml", pod.metadata.name, (p) => {
        p.status = { phase: "Running", conditions: [{ type: "Ready", status: "True" }] };
      });
    }
    await waitFor(
      () =>
        (api.get(MODELINFERS, "ml", "sample")?.status as { availableReplicas?: number } | undefined)
          ?.availableReplicas === 1,
      5000,
    );
    const conditions = (
      api.get(MODELINFERS, "ml", "sample")!.status as { conditions: Array<{ type: string; status: string }> }
    ).conditions;
    assert.deepEqual(
      conditions.map((c) => `${c.type}=${c.status}`),
      ["Available=True", "Progressing=False", "UpdateInProgress=False"],
    );
  });

  it("scales down by removing the highest group, and a role's extra workers", async () => {
    api.create(MODELINFERS, sample(2));
    await run();
    await waitFor(() => api.list(PODS).length === 8, 5000);
    api.update(MODELINFERS, "ml", "sample", (mi) => {
      const spec = mi.spec as ModelInfer["spec"];
      spec.replicas = 1;
      spec.template.roles[1]!.workerReplicas = 1;
    });
    await waitFor(
      () =>
        api.list(PODS).length === 3 &&
        api.list("v1/services").length === 2 &&
        api.list("scheduling.volcano.sh/v1beta1/podgroups").length === 1,
      5000,
    );
    assert.deepEqual(names(api, PODS), ["sample-0-decode-0-0", "sample-0-decode-0-1", "sample-0-prefill-0-0"]);
  });

  it("scales up roles and groups, and removes the PodGroups when gangSchedule goes", async () => {
    api.create(MODELINFERS, sample(1));
    await run();
    await waitFor(() => api.list(PODS).length === 4, 5000);
    api.update(MODELINFERS, "ml", "sample", (mi) => {
      const spec = mi.spec as ModelInfer["spec"];
      spec.replicas = 2;
      spec.template.roles[0]!.replicas = 2;
      delete spec.template.gangSchedule;
    });
    await waitFor(
      () => api.list(PODS).length === 10 && api.list("scheduling.volcano.sh/v1beta1/podgroups").length === 0,
      5000,
    );
    assert.ok(names(api, PODS).includes("sample-1-prefill-1-0"));
  });

  it("on scale-down removes a group that is not ready before a higher one that is", async () => {
    api.create(MODELINFERS, sample(3));
    await run();
    await waitFor(() => api.list(PODS).length === 12, 5000);
    for (const pod of api.list(PODS).filter((p) => !p.metadata.name.startsWith("sample-1-"))) {
      api.update(PODS, "ml", pod.metadata.name, (p) => {
        p.status = { phase: "Running", conditions: [{ type: "Ready", status: "True" }] };
      });
    }
    await controller.idle();
    api.update(MODELINFERS, "ml", "sample", (mi) => {
      (mi.spec as ModelInfer["spec"]).replicas = 2;
    });
    await waitFor(() => api.list(PODS).length === 8, 5000);
    assert.deepEqual([...new Set(names(api, PODS).map((n) => n.split("-")[1]))], ["0", "2"]);
    await waitFor(
      () =>
        (api.get(MODELINFERS, "ml", "sample")?.status as { availableReplicas?: number } | undefined)
          ?.availableReplicas === 2,
      5000,
    );
  });

  it("retries a status write that hits a 409 from fresh state", async () => {
    api.failNext("PUT", "modelinfers", 409, 2);
    api.create(MODELINFERS, sample(1));
    await run();
    await waitFor(
      () =>
        (api.get(MODELINFERS, "ml", "sample")?.status as { currentReplicas?: number } | undefined)?.currentReplicas ===
        1,
      5000,
    );
  });

  it("retries a failed apply with backoff until it succeeds", async () => {
    api.failNext("PATCH", "pods", 500, 3);
    api.create(MODELINFERS, sample(1));
    await run();
    await waitFor(() => api.list(PODS).length === 4, 5000);
  });

  it("settles: once reconciled, it sends no more writes", async () => {
    api.create(MODELINFERS, sample(1));
    await run();
    await waitFor(
      () =>
        api.list(PODS).length === 4 &&
        (api.get(MODELINFERS, "ml", "sample")?.status as { currentReplicas?: number } | undefined)?.currentReplicas ===
          1,
      5000,
    );
    await controller.idle();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const writes = (): number => api.requests.filter((r) => !r.startsWith("GET")).length;
    const before = writes();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(writes(), before);
  });

  describe("rolling update", () => {
    const revisions = (): Record<string, string> =>
      Object.fromEntries(
        api
          .list(PODS)
          .map((p) => [
            p.metadata.name,
            (p.metadata as { labels?: Record<string, string> }).labels?.["modelinfer.matrixinfer.ai/revision"] ?? "",
          ]),
      );
    const markReady = (group?: number): void => {
      for (const pod of api
        .list(PODS)
        .filter((p) => group === undefined || p.metadata.name.startsWith(`m-${group}-`))) {
        api.update(PODS, "ml", pod.metadata.name, (p) => {
          p.status = { phase: "Running", conditions: [{ type: "Ready", status: "True" }] };
        });
      }
    };

    async function startWith(replicas: number, partition?: number): Promise<void> {
      const mi: ModelInfer = {
        apiVersion: "workload.matrixinfer.ai/v1alpha1",
        kind: "ModelInfer",
        metadata: { name: "m", namespace: "ml" },
        spec: { replicas, template: { roles: [role("serve", 1, 1)] } },
      };
      if (partition !== undefined) mi.spec.rolloutStrategy = { rollingUpdateConfiguration: { partition } };
      api.create(MODELINFERS, mi as unknown as StoredObject);
      await view.start();
      controller.start();
      await waitFor(() => api.list(PODS).length === replicas * 2, 5000);
      markReady();
    }

    function changeImage(): void {
      api.update(MODELINFERS, "ml", "m", (mi) => {
        for (const r of (mi.spec as ModelInfer["spec"]).template.roles) {
          r.entryTemplate.spec!.containers[0]!.image = "vllm/vllm-openai:v0.12.0";
          r.workerTemplate!.spec!.containers[0]!.image = "vllm/vllm-openai:v0.12.0";
        }
      });
    }

    it("replaces groups from the highest ordinal down, one unavailable group at a time", async () => {
      await startWith(2);
      const old = revisions()["m-0-serve-0-0"]!;
      changeImage();
      await waitFor(
        () =>
          api.list(PODS).length === 4 && revisions()["m-1-serve-0-0"] !== old && revisions()["m-1-serve-0-1"] !== old,
        5000,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(revisions()["m-0-serve-0-0"], old, "group 0 waits while group 1 is unavailable");
      markReady(1);
      await waitFor(() => Object.values(revisions()).every((r) => r !== old) && api.list(PODS).length === 4, 5000);
      markReady();
      await waitFor(
        () =>
          (api.get(MODELINFERS, "ml", "m")?.status as { updatedReplicas?: number } | undefined)?.updatedReplicas === 2,
        5000,
      );
    });

    it("resumes a rollout after a controller restart (all state is in the objects)", async () => {
      await startWith(3);
      const old = revisions()["m-0-serve-0-0"]!;
      changeImage();
      await waitFor(() => revisions()["m-2-serve-0-0"] !== old && api.list(PODS).length === 6, 5000);
      await controller.stop();
      markReady();
      controller = modelInferController(api, view);
      controller.start();
      await waitFor(() => revisions()["m-1-serve-0-0"] !== old && api.list(PODS).length === 6, 5000);
      markReady();
      await waitFor(() => Object.values(revisions()).every((r) => r !== old) && api.list(PODS).length === 6, 5000);
    });

    it("leaves groups below the partition at the old revision", async () => {
      await startWith(2, 1);
      const old = revisions()["m-0-serve-0-0"]!;
      changeImage();
      await waitFor(() => revisions()["m-1-serve-0-0"] !== old && api.list(PODS).length === 4, 5000);
      markReady();
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(revisions()["m-0-serve-0-0"], old);
      assert.equal(revisions()["m-0-serve-0-1"], old);
    });
  });
});

describe("ModelInfer controller: recovery (against the API double)", function () {
  this.timeout(20_000);
  it("recreates a failed pod after the grace period, calling itself back when it ends", async () => {
    const api = new ApiDouble();
    await api.start();
    const view = new InformerClusterView(silentLogger, api.kubeConfig());
    const controller = modelInferController(api, view);
    try {
      const mi: ModelInfer = {
        apiVersion: "workload.matrixinfer.ai/v1alpha1",
        kind: "ModelInfer",
        metadata: { name: "r", namespace: "ml" },
        spec: {
          replicas: 1,
          recoveryPolicy: "None",
          template: { restartGracePeriodSeconds: 1, roles: [role("serve", 1, 1)] },
        },
      };
      api.create(MODELINFERS, mi as unknown as StoredObject);
      await view.start();
      controller.start();
      await waitFor(() => api.list(PODS).length === 2, 5000);
      const before = api.get(PODS, "ml", "r-0-serve-0-1")!.metadata.uid;
      api.update(PODS, "ml", "r-0-serve-0-1", (p) => {
        p.status = {
          phase: "Failed",
          conditions: [{ type: "Ready", status: "False", lastTransitionTime: new Date().toISOString() }],
        };
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(api.get(PODS, "ml", "r-0-serve-0-1")!.metadata.uid, before, "not within the grace period");
      await waitFor(
        () => api.get(PODS, "ml", "r-0-serve-0-1")?.metadata.uid !== before && api.list(PODS).length === 2,
        5000,
      );
      const events = api.list("v1/events") as unknown as Array<{ reason: string; type: string; message: string }>;
      assert.ok(
        events.some(
          (e) =>
            e.type === "Warning" &&
            e.reason === "Recovering" &&
            e.message === "rebuilding (recoveryPolicy None): deleted Pod r-0-serve-0-1",
        ),
      );
      assert.equal(api.get(PODS, "ml", "r-0-serve-0-0")!.metadata.uid !== undefined, true);
    } finally {
      await controller.stop();
      await view.stop();
      await api.stop();
    }
  });
});
