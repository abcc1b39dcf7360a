import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { inferenceServiceReconciler } from "../../src/controllers/inferenceservice/reconciler.js";
import { ApiControllerClient } from "../../src/controllers/runtime/client.js";
import { Controller } from "../../src/controllers/runtime/controller.js";
import { InformerClusterView } from "../../src/cluster-view/informer-view.js";
import { silentLogger } from "../../src/logging.js";
import type { InferenceService, InferenceServiceStatus } from "../../src/apis/inference-ai.js";
import { ApiDouble, type StoredObject } from "../support/api-double.js";
import { FIXTURES } from "../support/fixtures.js";
import { assertValidKubernetes } from "../support/schema.js";
import { waitFor } from "../support/test-server.js";

const SERVICES = "inference.ai/v1alpha1/inferenceservices";
const DEPLOYMENTS = "apps/v1/deployments";
const PODS = "v1/pods";
const NS = "ml";

function service(name: string, spec: Partial<InferenceService["spec"]> = {}): StoredObject {
  const svc: InferenceService = {
    apiVersion: "inference.ai/v1alpha1",
    kind: "InferenceService",
    metadata: { name, namespace: NS },
    spec: { model: { name: "meta-llama/Llama-3.1-8B-Instruct" }, backend: "vllm", gpu: { count: 1 }, ...spec },
  };
  return svc as unknown as StoredObject;
}

/** A pod as its ReplicaSet would have made it, in a given state. */
function pod(name: string, owner: string, status: Record<string, unknown>, nodeName?: string): StoredObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: NS,
      labels: { "inference.ai/inferenceservice": owner, "inference.ai/managed": "true" },
    },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      containers: [
        { name: "engine", image: "vllm/vllm-openai:v0.11.0", resources: { limits: { "nvidia.com/gpu": "1" } } },
      ],
    },
    status,
  };
}

const READY = { phase: "Running", conditions: [{ type: "Ready", status: "True" }] };
const waiting = (reason: string): Record<string, unknown> => ({
  phase: "Pending",
  conditions: [{ type: "PodScheduled", status: "True" }],
  containerStatuses: [
    {
      name: "engine",
      ready: false,
      restartCount: 3,
      image: "x",
      imageID: "",
      state: { waiting: { reason, message: `${reason} (test)` } },
    },
  ],
});

describe("InferenceService controller (against the API double)", function () {
  this.timeout(20_000);
  let api: ApiDouble;
  let view: InformerClusterView;
  let controller: Controller<InferenceService, InferenceServiceStatus>;

  beforeEach(async () => {
    api = new ApiDouble();
    await api.start();
    view = new InformerClusterView(silentLogger, api.kubeConfig());
    controller = new Controller(inferenceServiceReconciler, {
      view,
      client: new ApiControllerClient(api.kubeConfig()),
      log: silentLogger,
      minRetryMs: 20,
    });
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
  const status = (name: string): InferenceServiceStatus => api.get(SERVICES, NS, name)?.status ?? {};
  const cond = (name: string, type: string): string => {
    const c = status(name).conditions?.find((x) => x.type === type);
    return c ? `${c.status}/${c.reason ?? ""}` : "none";
  };
  const events = (): Array<{ reason: string; type: string; message: string }> =>
    api.list("v1/events") as unknown as Array<{ reason: string; type: string; message: string }>;

  it("creates the Deployment, Service and HPA, then reads phase from the pods: pending, pulling, crash-looping, ready", async () => {
    const created = api.create(
      SERVICES,
      service("chat", {
        replicas: 1,
        autoscaling: { maxReplicas: 4, metrics: [{ type: "gpu-utilization", target: 80 }] },
      }),
    );
    await run();
    await waitFor(
      () => api.list("autoscaling/v2/horizontalpodautoscalers").length === 1 && status("chat").phase === "Pending",
      5000,
    );
    const dep = api.get(DEPLOYMENTS, NS, "chat")!;
    assertValidKubernetes(dep);
    assert.equal(dep.metadata.ownerReferences?.[0]?.uid, created.metadata.uid);
    assert.equal(api.get("v1/services", NS, "chat")!.metadata.ownerReferences?.[0]?.uid, created.metadata.uid);
    assert.equal(status("chat").url, "http://chat.ml.svc.cluster.local:8000");
    assert.equal(cond("chat", "AutoscalerReady"), "Unknown/HPAPending");
    assert.deepEqual(status("chat").autoscaler, { kind: "HorizontalPodAutoscaler", name: "chat" });
    assert.ok(
      api.requests.includes("GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions/scaledobjects.keda.sh"),
    );

    api.create(
      PODS,
      pod("chat-1", "chat", { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False" }] }),
    );
    await waitFor(() => cond("chat", "Ready") === "False/Unscheduled", 5000);
    api.update(PODS, NS, "chat-1", (p) => {
      (p.spec as { nodeName?: string }).nodeName = "gpu-node-1";
      p.status = waiting("ContainerCreating");
    });
    await waitFor(() => status("chat").phase === "Initializing", 5000);
    api.update(PODS, NS, "chat-1", (p) => (p.status = waiting("CrashLoopBackOff")));
    await waitFor(() => status("chat").phase === "Failed", 5000);
    assert.equal(cond("chat", "Ready"), "False/CrashLoopBackOff");
    api.update(PODS, NS, "chat-1", (p) => (p.status = READY));
    await waitFor(() => status("chat").phase === "Running", 5000);
    assert.equal(status("chat").readyReplicas, 1);
    assert.deepEqual(status("chat").gpuAllocations, [
      { pod: "chat-1", node: "gpu-node-1", resources: { "nvidia.com/gpu": "1" } },
    ]);
    assert.equal(cond("chat", "Progressing"), "False/AllReplicasReady");
  });

  it("scales, changes backend in place, and deletes its children with it", async () => {
    api.create(SERVICES, service("s", { replicas: 1 }));
    api.create(PODS, pod("s-1", "s", READY, "n1"));
    await run();
    await waitFor(() => status("s").phase === "Running", 5000);
    api.update(SERVICES, NS, "s", (o) => ((o.spec as InferenceService["spec"]).replicas = 2));
    await waitFor(() => (api.get(DEPLOYMENTS, NS, "s")?.spec as { replicas?: number }).replicas === 2, 5000);
    assert.equal((api.get(DEPLOYMENTS, NS, "s")!.spec as { replicas: number }).replicas, 2);
    await waitFor(() => status("s").phase === "Scaling", 5000);
    api.update(SERVICES, NS, "s", (o) => ((o.spec as InferenceService["spec"]).backend = "sglang"));
    await waitFor(() => {
      const spec = api.get(DEPLOYMENTS, NS, "s")?.spec as {
        template: { spec: { containers: { command: string[] }[] } };
      };
      return spec.template.spec.containers[0]!.command.includes("sglang.launch_server");
    }, 5000);
    assert.ok(events().some((e) => e.reason === "Updated" && e.message.includes("Deployment s")));
    api.delete(SERVICES, NS, "s");
    await waitFor(() => api.list(DEPLOYMENTS).length === 0 && api.list("v1/services").length === 0, 5000);
  });

  it("waits for a GPUPool created later: a condition and one Event, no children, then recovers", async () => {
    api.create(SERVICES, service("p", { gpu: { pool: "a100", count: 1 } }));
    await run();
    await waitFor(() => cond("p", "GPUPoolResolved") === "False/GPUPoolNotFound", 5000);
    assert.equal(status("p").phase, "Pending");
    assert.equal(api.list(DEPLOYMENTS).length, 0, "nothing half-applied");
    assert.equal(events().filter((e) => e.reason === "GPUPoolNotFound" && e.type === "Warning").length, 1);
    api.create("inference.ai/v1alpha1/gpupools", {
      apiVersion: "inference.ai/v1alpha1",
      kind: "GPUPool",
      metadata: { name: "a100", namespace: NS },
      spec: { gpuProduct: "NVIDIA-A100-SXM4-80GB", sharing: { mode: "exclusive" } },
    });
    await waitFor(() => api.list(DEPLOYMENTS).length === 1 && cond("p", "GPUPoolResolved") === "True/Found", 5000);
    const selector = (
      api.get(DEPLOYMENTS, NS, "p")!.spec as { template: { spec: { nodeSelector: Record<string, string> } } }
    ).template.spec.nodeSelector;
    assert.equal(selector["nvidia.com/gpu.product"], "NVIDIA-A100-SXM4-80GB");
  });

  it("a missing Secret is read, never watched: condition, Event, and recovery once it exists", async () => {
    api.create(
      SERVICES,
      service("hf", { model: { name: "m", source: "huggingface", secretRef: { name: "hf-token" } } }),
    );
    await run();
    await waitFor(() => cond("hf", "SourceResolved") === "False/SecretNotFound", 5000);
    assert.ok(events().some((e) => e.reason === "SecretNotFound"));
    assert.equal(api.list(DEPLOYMENTS).length, 0);
    assert.ok(
      !api.requests.some(
        (r) => r.startsWith("GET /api/v1/secrets") || r.startsWith("GET /api/v1/namespaces/ml/secrets?"),
      ),
    );
    api.create("v1/secrets", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "hf-token", namespace: NS },
    });
    api.update(SERVICES, NS, "hf", (o) => (o.metadata.annotations = { touched: "1" }));
    await waitFor(
      () => api.list(DEPLOYMENTS).length === 1 && cond("hf", "SourceResolved") === "True/SecretFound",
      5000,
    );
  });

  it("the seed's example renders and reconciles", async () => {
    const seed = parseAllDocuments(
      readFileSync(join(FIXTURES, "seed-examples.yaml"), "utf8"),
    )[0]!.toJS() as StoredObject;
    seed.metadata.namespace = NS;
    api.create(SERVICES, seed);
    await run();
    await waitFor(() => api.list(DEPLOYMENTS).length === 1 && status("llama-70b").phase === "Pending", 5000);
    const dep = api.get(DEPLOYMENTS, NS, "llama-70b")!;
    assertValidKubernetes(dep);
    const engine = (
      dep.spec as { template: { spec: { containers: { resources: { limits: Record<string, string> } }[] } } }
    ).template.spec.containers[0]!;
    assert.equal(engine.resources.limits["nvidia.com/mig-3g.40gb"], "2");
    assert.equal(api.list("autoscaling/v2/horizontalpodautoscalers").length, 1);
  });
});
