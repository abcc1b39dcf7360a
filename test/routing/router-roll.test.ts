import { strict as assert } from "node:assert";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { StaticRoute } from "../../src/apis/production-stack.js";
import { RouteHealthBook } from "../../src/controllers/staticroute/book.js";
import { probeRouter } from "../../src/controllers/staticroute/probe.js";
import { staticRouteFacts } from "../../src/controllers/staticroute/reconciler.js";
import { ApiRouterRoller, RouterRoller, rollTarget } from "../../src/controllers/staticroute/roller.js";
import { staticRouteStatus } from "../../src/controllers/staticroute/status.js";
import type { KubeObject } from "../../src/kube/object.js";
import { silentLogger } from "../../src/logging.js";
import { ANNOTATION_ROUTING_RESTART, dynamicConfigJson, restartHash } from "../../src/vllm-router/dynamic-config.js";
import { staticRouteConfig } from "../../src/routing/static-config.js";
import { ApiDouble, type StoredObject } from "../support/api-double.js";
import { backendService, seedStaticRoute } from "../support/routing.js";
import { staticView } from "../support/static-view.js";

/** The seed route with a routerRef to Service vllm-router, and the ConfigMap its controller wrote for `spec`. */
function setup(
  spec: Partial<StaticRoute["spec"]> = {},
  written?: Partial<StaticRoute["spec"]>,
): { route: StaticRoute; objects: KubeObject[] } {
  const seed = seedStaticRoute();
  const route: StaticRoute = { ...seed, spec: { ...seed.spec, ...spec } };
  const config = staticRouteConfig({ ...route.spec, ...written }, "default", () => false).config!;
  const configMap: KubeObject & { data: Record<string, string> } = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: "vllm-router-config",
      namespace: "default",
      ownerReferences: [
        {
          apiVersion: "production-stack.vllm.ai/v1alpha1",
          kind: "StaticRoute",
          name: route.metadata.name ?? "",
          uid: "route-uid",
          controller: true,
        },
      ],
    },
    data: { "static_config.json": dynamicConfigJson(config) },
  };
  const router = {
    ...backendService("vllm-router"),
    spec: { selector: { app: "router" }, ports: [{ port: 80, targetPort: 8000 }] },
  };
  return { route, objects: [route, configMap, router] };
}

function deployment(name: string, labels: Record<string, string>, annotation?: string): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "default" },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, ...(annotation ? { annotations: { [ANNOTATION_ROUTING_RESTART]: annotation } } : {}) },
        spec: { containers: [{ name: "router", image: "lmcache/lmstack-router:latest" }] },
      },
    },
  };
}

describe("StaticRoute: rolling the router, and reading back what it runs", () => {
  it("rolls the Deployment the router Service selects once the ConfigMap holds a new logic or session key, and only then", () => {
    const { route, objects } = setup({ routingLogic: "session", sessionKey: "x-user-id" });
    const view = staticView(objects);
    const hash = restartHash(staticRouteConfig(route.spec, "default", () => false).config!);
    const other = deployment("engine", { app: "vllm" });
    assert.deepEqual(rollTarget(route, view, [other, deployment("router", { app: "router" }, "old")]), {
      name: "router",
      value: hash,
    });
    assert.deepEqual(
      rollTarget(route, view, [deployment("router", { app: "router" })]),
      { name: "router", value: hash },
      "absent: rolled once",
    );
    assert.equal(rollTarget(route, view, [deployment("router", { app: "router" }, hash)]), undefined, "already rolled");
    const stale = setup(
      { routingLogic: "session", sessionKey: "x-user-id" },
      { routingLogic: "roundrobin", sessionKey: undefined },
    );
    assert.equal(
      rollTarget(stale.route, staticView(stale.objects), [deployment("router", { app: "router" }, "old")]),
      undefined,
      "file not updated yet",
    );
    const byName = setup({ routerRef: { kind: "Deployment", name: "router" } });
    assert.equal(
      rollTarget(byName.route, staticView(byName.objects), [deployment("router", { app: "x" })])?.name,
      "router",
    );
  });

  it("patches only the pod template annotation of the router Deployment through the API", async () => {
    const api = new ApiDouble();
    await api.start();
    try {
      const routerDeployment = deployment("router", { app: "router" }, "old");
      api.create("apps/v1/deployments", routerDeployment as unknown as StoredObject);
      const { route, objects } = setup({ routingLogic: "prefixaware" });
      const roller = new RouterRoller({
        view: staticView(objects),
        client: new ApiRouterRoller(api.kubeConfig()),
        log: silentLogger,
      });
      await roller.rollAll();
      const after = api.get("apps/v1/deployments", "default", "router") as unknown as Deployment;
      const hash = restartHash(staticRouteConfig(route.spec, "default", () => false).config!);
      assert.equal(after.spec!.template.metadata!.annotations![ANNOTATION_ROUTING_RESTART], hash);
      assert.deepEqual(after.spec!.template.spec, routerDeployment.spec!.template.spec);
      await roller.rollAll();
      assert.equal(
        api.list("apps/v1/deployments")[0]!.metadata.resourceVersion,
        (after as unknown as StoredObject).metadata.resourceVersion,
        "no second patch",
      );
    } finally {
      await api.stop();
    }
  });

  it("ConfigApplied follows what the router's /health reports it runs", async () => {
    let reported: Record<string, unknown> = {};
    const server: Server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "healthy", dynamic_config: reported }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { route, objects } = setup();
      const view = staticView(objects);
      const book = new RouteHealthBook();
      const applied = async (): Promise<string> => {
        book.setRouter("default/staticroute-sample", await probeRouter(url, 1000));
        const status = staticRouteStatus(route, staticRouteFacts(route, view, book), "t");
        return status.conditions!.find((c) => c.type === "ConfigApplied")!.reason ?? "";
      };
      reported = {
        service_discovery: "static",
        routing_logic: "session",
        static_backends: "http://old:1",
        session_key: null,
      };
      assert.equal(await applied(), "RouterNotUpdated");
      reported = {
        ...(JSON.parse(dynamicConfigJson(staticRouteConfig(route.spec, "default", () => false).config!)) as object),
        callbacks: null,
      };
      assert.equal(await applied(), "RouterRunsConfig");
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    }
  });
});

describe("StaticRoute: healthCheck.excludeUnhealthy", () => {
  it("leaves an Unhealthy backend out of the written config and puts it back once Healthy", async () => {
    const { staticRouteDesired } = await import("../../src/controllers/staticroute/reconciler.js");
    const seed = seedStaticRoute();
    const route: StaticRoute = {
      ...seed,
      spec: {
        ...seed.spec,
        staticBackends: "http://10.0.0.1:8000,http://10.0.0.2:8000,http://10.0.0.3:8000",
        healthCheck: { excludeUnhealthy: true },
      },
    };
    const book = new RouteHealthBook();
    const at = { successes: 0, failures: 3, lastProbeTime: "t", message: "GET /health: HTTP 500" };
    book.setBackend("default/staticroute-sample", "http://10.0.0.2:8000", { state: "Unhealthy", ...at });
    const written = (): Record<string, string> => {
      const cm = staticRouteDesired(route, staticView([route]), book).children[0] as KubeObject & {
        data: Record<string, string>;
      };
      return JSON.parse(cm.data["static_config.json"]!) as Record<string, string>;
    };
    assert.equal(written().static_backends, "http://10.0.0.1:8000,http://10.0.0.3:8000");
    assert.equal(written().static_models, "facebook/opt-125m,facebook/opt-125m");
    book.setBackend("default/staticroute-sample", "http://10.0.0.2:8000", {
      ...at,
      state: "Healthy",
      successes: 1,
      failures: 0,
    });
    assert.equal(written().static_backends, "http://10.0.0.1:8000,http://10.0.0.2:8000,http://10.0.0.3:8000");
  });
});
