import { strict as assert } from "node:assert";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import type { InferenceGateway, StaticRoute } from "../../src/apis/production-stack.js";
import { inferenceGatewayReconciler } from "../../src/controllers/inferencegateway/reconciler.js";
import { ApiControllerClient } from "../../src/controllers/runtime/client.js";
import { Controller } from "../../src/controllers/runtime/controller.js";
import type { Reconciler } from "../../src/controllers/runtime/reconciler.js";
import { RouteHealthBook } from "../../src/controllers/staticroute/book.js";
import { staticRouteReconciler } from "../../src/controllers/staticroute/reconciler.js";
import { stackServiceReconciler } from "../../src/controllers/stackservice/reconciler.js";
import { InformerClusterView } from "../../src/cluster-view/informer-view.js";
import type { KubeObject } from "../../src/kube/object.js";
import { silentLogger } from "../../src/logging.js";
import { ApiDouble, type StoredObject } from "../support/api-double.js";
import { assertValidEmitted } from "../support/emitted-schema.js";
import { backendService, enginePod, seedGateway, seedStaticRoute, stackService } from "../support/routing.js";
import { waitFor } from "../support/test-server.js";

const GATEWAYS = "production-stack.vllm.ai/v1alpha1/inferencegateways";
const ROUTES = "production-stack.vllm.ai/v1alpha1/staticroutes";
const SERVICES = "production-stack.vllm.ai/v1alpha1/inferenceservices";
const CONFIGMAPS = "v1/configmaps";
const DEPLOYMENTS = "apps/v1/deployments";

const stored = (obj: KubeObject): StoredObject => obj as unknown as StoredObject;

/** The object as a user applies it: no uid or generation (the API double sets them). */
function strip(obj: KubeObject): StoredObject {
  const metadata = { ...obj.metadata };
  delete metadata.uid;
  delete metadata.generation;
  return stored({ ...obj, metadata });
}

describe("routing controllers (against the API double)", function () {
  this.timeout(20_000);
  let api: ApiDouble;
  let view: InformerClusterView;
  let controllers: Controller<KubeObject, unknown>[];

  beforeEach(async () => {
    api = new ApiDouble();
    await api.start();
    view = new InformerClusterView(silentLogger, api.kubeConfig());
    controllers = [];
  });
  afterEach(async () => {
    await Promise.all(controllers.map((c) => c.stop()));
    await view.stop();
    await api.stop();
  });

  async function run(...reconcilers: Reconciler<KubeObject>[]): Promise<void> {
    await view.start();
    for (const r of reconcilers) {
      const c = new Controller(r, {
        view,
        client: new ApiControllerClient(api.kubeConfig()),
        log: silentLogger,
        minRetryMs: 20,
      });
      controllers.push(c);
      c.start();
    }
  }

  function routerConfig(): Record<string, unknown> | undefined {
    const cm = api.get(CONFIGMAPS, "default", "llm-gateway-router") as (StoredObject & ConfigMap) | undefined;
    const text = cm?.data?.["static_config.json"];
    return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  }

  it("InferenceGateway: makes the router for what exists, adds an InferenceService that appears later, and is garbage-collected", async () => {
    const llama = stackService("llama3-chatbot-service", "llama3-70b", "chatbot-service-backend");
    api.create("v1/services", stored(backendService("chatbot-service-backend")));
    api.create("v1/pods", stored(enginePod("llama-0", "chatbot-service-backend")));
    api.create(SERVICES, stored(llama));
    api.create(GATEWAYS, strip(seedGateway()));
    await run(inferenceGatewayReconciler, stackServiceReconciler);

    await waitFor(
      () => routerConfig() !== undefined && api.get(GATEWAYS, "default", "llm-gateway")?.status !== undefined,
      5000,
    );
    assert.equal(routerConfig()!.static_models, "llama3-70b");
    for (const resource of [CONFIGMAPS, DEPLOYMENTS, "v1/services"]) {
      const obj = api.get(resource, "default", "llm-gateway-router")!;
      assert.ok(obj, resource);
      assertValidEmitted(obj);
      assert.equal((obj as KubeObject).metadata?.ownerReferences?.[0]?.kind, "InferenceGateway");
    }
    const status = (): NonNullable<InferenceGateway["status"]> =>
      (api.get(GATEWAYS, "default", "llm-gateway") as unknown as InferenceGateway).status!;
    await waitFor(() => status().routes?.length === 2, 5000);
    assert.deepEqual(
      status().routes!.map((r) => r.ready),
      [true, false],
    );
    assert.equal(status().address, "http://llm-gateway-router.default.svc.cluster.local:8000");
    const svcStatus = (): { url?: string; gateways?: string[] } | undefined =>
      api.get(SERVICES, "default", "llama3-chatbot-service")?.status as
        { url?: string; gateways?: string[] } | undefined;
    await waitFor(() => svcStatus()?.gateways?.length === 1, 5000);
    assert.equal(svcStatus()!.url, "http://chatbot-service-backend.default.svc.cluster.local:8000");

    // The second route's InferenceService and its backend appear later.
    api.create("v1/services", stored(backendService("mistral-backend")));
    api.create("v1/pods", stored(enginePod("mistral-0", "mistral-backend")));
    api.create(
      SERVICES,
      stored(stackService("mistral-agent-service", "mistral3", { name: "mistral-backend", port: 8000 })),
    );
    await waitFor(() => String(routerConfig()?.static_models) === "llama3-70b,mistral3", 5000);
    await waitFor(() => status().routes?.every((r) => r.ready) === true, 5000);

    // The router becomes available: Ready.
    api.update(DEPLOYMENTS, "default", "llm-gateway-router", (d) => {
      (d as unknown as { status: object }).status = { replicas: 1, readyReplicas: 1 };
    });
    await waitFor(() => status().conditions?.find((c) => c.type === "Ready")?.status === "True", 5000);

    api.delete(GATEWAYS, "default", "llm-gateway");
    assert.equal(api.get(DEPLOYMENTS, "default", "llm-gateway-router"), undefined);
    assert.equal(api.get(CONFIGMAPS, "default", "llm-gateway-router"), undefined);
  });

  it("InferenceGateway: switching the target replaces the router with pools, pickers and an HTTPRoute", async () => {
    api.create("v1/services", stored(backendService("chatbot-service-backend")));
    api.create("v1/pods", stored(enginePod("llama-0", "chatbot-service-backend")));
    api.create(SERVICES, stored(stackService("llama3-chatbot-service", "llama3-70b", "chatbot-service-backend")));
    api.create(GATEWAYS, strip(seedGateway()));
    await run(inferenceGatewayReconciler);
    await waitFor(() => api.get(DEPLOYMENTS, "default", "llm-gateway-router") !== undefined, 5000);

    api.update(GATEWAYS, "default", "llm-gateway", (g) => {
      Object.assign((g as unknown as InferenceGateway).spec, {
        target: "gateway-api",
        gateway: { name: "inference-gateway" },
      });
    });
    await waitFor(
      () =>
        api.get(DEPLOYMENTS, "default", "llm-gateway-router") === undefined &&
        api.get("gateway.networking.k8s.io/v1/httproutes", "default", "llm-gateway") !== undefined,
      5000,
    );
    const pool = api.get(
      "inference.networking.k8s.io/v1/inferencepools",
      "default",
      "llm-gateway-llama3-chatbot-service",
    )!;
    assertValidEmitted(pool);
    assert.ok(api.get(DEPLOYMENTS, "default", "llm-gateway-llama3-chatbot-service-epp"));
    assert.ok(api.get("rbac.authorization.k8s.io/v1/roles", "default", "llm-gateway-llama3-chatbot-service-epp"));
  });

  it("StaticRoute: writes the seed's config under static_config.json, refuses a single-label host keeping the last config, and reports", async () => {
    const book = new RouteHealthBook();
    api.create(ROUTES, strip(seedStaticRoute()));
    await run(staticRouteReconciler(book));
    const cm = (): (StoredObject & ConfigMap) | undefined =>
      api.get(CONFIGMAPS, "default", "vllm-router-config") as (StoredObject & ConfigMap) | undefined;
    const routeStatus = (): StaticRoute["status"] =>
      (api.get(ROUTES, "default", "staticroute-sample") as unknown as StaticRoute).status;
    await waitFor(() => cm() !== undefined && routeStatus()?.configHash !== undefined, 5000);
    assert.deepEqual(Object.keys(cm()!.data!), ["static_config.json"]);
    assertValidEmitted(cm()!);
    const written = cm()!.data!["static_config.json"];
    const status = routeStatus()!;
    assert.equal(status.configMapRef, "vllm-router-config");
    assert.ok(status.lastAppliedTime);
    assert.deepEqual(
      status.backends!.map((b) => b.state),
      ["Unknown", "Unknown", "Unknown"],
    );
    const applied = status.conditions!.find((c) => c.type === "ConfigApplied")!;
    assert.equal(applied.reason, "RouterUnreachable", "routerRef's Service does not exist");

    api.update(ROUTES, "default", "staticroute-sample", (r) => {
      (r as unknown as StaticRoute).spec.staticBackends =
        "http://vllm-a:9001,http://localhost:9002,http://localhost:9003";
    });
    await waitFor(
      () => routeStatus()?.conditions?.find((c) => c.type === "ConfigApplied")?.reason === "InvalidSpec",
      5000,
    );
    assert.match(
      routeStatus()!.conditions!.find((c) => c.type === "ConfigApplied")!.message!,
      /vllm-a.*single label.*http:\/\/vllm-a\.default\.svc\.cluster\.local:9001/,
    );
    assert.equal(cm()!.data!["static_config.json"], written, "the last good config stays");

    // A Service named vllm-a appears: the host is qualified, and the config moves on.
    api.create("v1/services", stored(backendService("vllm-a")));
    await waitFor(() => cm()!.data!["static_config.json"] !== written, 5000);
    assert.match(cm()!.data!["static_config.json"]!, /http:\/\/vllm-a\.default\.svc\.cluster\.local:9001/);

    api.delete(ROUTES, "default", "staticroute-sample");
    assert.equal(cm(), undefined);
  });
});
