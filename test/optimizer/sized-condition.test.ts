import assert from "node:assert/strict";
import type { InferenceService, InferenceServiceStatus } from "../../src/apis/inference-ai.js";
import type { ModelInfer, ModelInferStatus } from "../../src/apis/matrixinfer.js";
import { InformerClusterView } from "../../src/cluster-view/informer-view.js";
import { inferenceServiceReconciler } from "../../src/controllers/inferenceservice/reconciler.js";
import { modelInferReconciler } from "../../src/controllers/modelinfer/reconciler.js";
import { ApiControllerClient } from "../../src/controllers/runtime/client.js";
import { Controller } from "../../src/controllers/runtime/controller.js";
import { silentLogger } from "../../src/logging.js";
import { OptimizerLoop } from "../../src/optimizer/loop/loop.js";
import { ApiDouble, type StoredObject } from "../support/api-double.js";
import { LOOP_NODES, optimizerConfigMapFromFixtures, testLoop } from "../support/optimizer-loop.js";
import { role } from "../support/objects.js";
import { waitFor } from "../support/test-server.js";

const SERVICES = "inference.ai/v1alpha1/inferenceservices";
const MODELINFERS = "workload.matrixinfer.ai/v1alpha1/modelinfers";
const NS = "serving";

type Condition = { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string };

/** A service the loop may move between A100 and G2; without Prometheus its load is its annotations'. */
function service(): StoredObject {
  const svc: InferenceService = {
    apiVersion: "inference.ai/v1alpha1",
    kind: "InferenceService",
    metadata: {
      name: "chat",
      namespace: NS,
      annotations: { "inferno.server.load.rpm": "120", "inferno.server.load.numtokens": "512" },
    },
    spec: {
      model: { name: "ibm-granite/granite-13b-instruct-v2" },
      backend: "vllm",
      gpu: { type: "NVIDIA-A100-SXM4-80GB", count: 1 },
      autoscaling: {
        strategy: "optimizer",
        maxReplicas: 10,
        optimizer: { serviceClass: "Bronze", model: "granite_13b", accelerators: ["A100", "G2"] },
      },
    },
  };
  return svc as unknown as StoredObject;
}

function modelInfer(): StoredObject {
  const mi: ModelInfer = {
    apiVersion: "workload.matrixinfer.ai/v1alpha1",
    kind: "ModelInfer",
    metadata: {
      name: "llama",
      namespace: NS,
      labels: {
        "inferno.server.managed": "true",
        "inferno.server.model": "llama_13b",
        "inferno.server.class": "Premium",
        "inferno.server.allocation.accelerator": "G2",
        "inferno.server.load.rpm": "120",
        "inferno.server.load.numtokens": "1024",
      },
    },
    spec: { replicas: 1, template: { roles: [role("serve", 1, 0)] } },
  };
  return mi as unknown as StoredObject;
}

const READY = { phase: "Running", conditions: [{ type: "Ready", status: "True" }] };

describe("the Sized condition and the controllers' status writes (API double)", function () {
  this.timeout(30_000);
  let api: ApiDouble;
  let view: InformerClusterView;
  let controllers: Controller<InferenceService | ModelInfer, InferenceServiceStatus | ModelInferStatus>[];

  beforeEach(async () => {
    api = new ApiDouble();
    await api.start();
    api.create("v1/configmaps", optimizerConfigMapFromFixtures());
    for (const node of LOOP_NODES) api.create("v1/nodes", node);
    view = new InformerClusterView(silentLogger, api.kubeConfig());
    const options = { view, client: new ApiControllerClient(api.kubeConfig()), log: silentLogger, minRetryMs: 20 };
    controllers = [
      new Controller(inferenceServiceReconciler, options),
      new Controller(modelInferReconciler, options),
    ] as typeof controllers;
    await view.start();
    for (const c of controllers) c.start();
  });
  afterEach(async () => {
    for (const c of controllers) await c.stop();
    await view.stop();
    await api.stop();
  });

  const loop = (token = "t"): OptimizerLoop => testLoop(api, { token });
  const conditions = (resource: string, name: string): Condition[] =>
    (api.get(resource, NS, name)?.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
  const sized = (resource: string, name: string): Condition | undefined =>
    conditions(resource, name).find((c) => c.type === "Sized");
  const idle = async (): Promise<void> => {
    for (const c of controllers) await c.idle();
  };

  it("an InferenceService: the loop's spec reaches the Deployment, and the controller's next status write keeps Sized", async () => {
    api.create(SERVICES, service());
    await waitFor(() => conditions(SERVICES, "chat").some((c) => c.type === "Ready"), 5000);
    const result = await loop().invoke();
    assert.ok(result.ok, JSON.stringify(result));
    const spec = api.get(SERVICES, NS, "chat")!.spec as { replicas: number; gpu: { type: string } };
    await waitFor(
      () => (api.get("apps/v1/deployments", NS, "chat")?.spec as { replicas?: number }).replicas === spec.replicas,
      5000,
    );
    const written = sized(SERVICES, "chat")!;
    assert.equal(written.reason, "Optimized");
    assert.ok(
      ["Ready", "Progressing", "AutoscalerReady"].every((t) => conditions(SERVICES, "chat").some((c) => c.type === t)),
      "the loop's write kept the controller's conditions",
    );

    // A pod becomes ready: the controller writes status again (readyReplicas), replacing all of it.
    const writesBefore = api.requests.filter(
      (r) => r === `PUT /apis/inference.ai/v1alpha1/namespaces/${NS}/inferenceservices/chat/status`,
    ).length;
    api.create("v1/pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "chat-6c9d7-aaaaa", namespace: NS, labels: { "inference.ai/inferenceservice": "chat" } },
      spec: { nodeName: "g2-0", containers: [{ name: "engine", image: "vllm/vllm-openai:v0.11.0" }] },
      status: READY,
    });
    await waitFor(() => (api.get(SERVICES, NS, "chat")!.status as InferenceServiceStatus).readyReplicas === 1, 5000);
    await idle();
    const writesAfter = api.requests.filter(
      (r) => r === `PUT /apis/inference.ai/v1alpha1/namespaces/${NS}/inferenceservices/chat/status`,
    ).length;
    assert.ok(writesAfter > writesBefore, "the controller did write its status");
    assert.deepEqual(sized(SERVICES, "chat"), written, "Sized as the loop wrote it, time and all");
  });

  it("a ModelInfer: scaled through its scale subresource, its groups made, Sized kept through the status writes", async () => {
    api.create(MODELINFERS, modelInfer());
    await waitFor(() => conditions(MODELINFERS, "llama").some((c) => c.type === "Available"), 5000);
    const result = await loop().invoke();
    assert.ok(result.ok, JSON.stringify(result));
    const replicas = (api.get(MODELINFERS, NS, "llama")!.spec as { replicas: number }).replicas;
    assert.ok(replicas > 1, `120 req/min of llama_13b at Premium needs more than one G2 group: ${replicas}`);
    const written = sized(MODELINFERS, "llama")!;
    await waitFor(
      () => (api.get(MODELINFERS, NS, "llama")!.status as ModelInferStatus).currentReplicas === replicas,
      5000,
    );
    await idle();
    assert.deepEqual(sized(MODELINFERS, "llama"), written);
    assert.equal(sized(MODELINFERS, "llama")?.reason, "Optimized");
  });

  it("a status write that meets a 409 (its controller wrote in between) reads again and keeps both", async () => {
    api.create(SERVICES, service());
    await waitFor(() => conditions(SERVICES, "chat").some((c) => c.type === "Ready"), 5000);
    for (const c of controllers) await c.stop();
    api.failNext("PUT", "inferenceservices", 409);
    const result = await loop("loop").invoke();
    assert.ok(result.ok, JSON.stringify(result));
    const status = `PUT /apis/inference.ai/v1alpha1/namespaces/${NS}/inferenceservices/chat/status`;
    const gets = `GET /apis/inference.ai/v1alpha1/namespaces/${NS}/inferenceservices/chat`;
    const mine = api.requestsBy.get("loop") ?? [];
    assert.deepEqual(
      mine.filter((r) => r === status || r === gets),
      [gets, status, gets, status],
      "read, 409, read again, written",
    );
    assert.equal(sized(SERVICES, "chat")?.reason, "Optimized");
    assert.ok(conditions(SERVICES, "chat").some((c) => c.type === "Ready"));
  });
});
