import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { parse } from "yaml";
import type { InferenceGateway, InferenceGatewaySpec } from "../../src/apis/production-stack.js";
import { gatewayDesired, gatewayFacts } from "../../src/controllers/inferencegateway/reconciler.js";
import { pickerPolicy, routerPolicy, scorerText } from "../../src/routing/policy.js";
import { gatewayStatus } from "../../src/controllers/inferencegateway/status.js";
import type { HTTPRoute } from "../../src/gateway-api/http-route.js";
import type { InferencePool } from "../../src/gateway-api/inference-pool.js";
import type { KubeObject } from "../../src/kube/object.js";
import { ANNOTATION_ROUTING_RESTART, ROUTER_CONFIG_KEYS } from "../../src/vllm-router/dynamic-config.js";
import { routerAccepts } from "../../src/vllm-router/url.js";
import { assertValidEmitted } from "../support/emitted-schema.js";
import { backendService, enginePod, seedExamples, seedGateway, stackService } from "../support/routing.js";
import { staticView } from "../support/static-view.js";
import type { StackInferenceService } from "../../src/apis/production-stack.js";

/** The seed's two InferenceServices (llama3 as seed 001 writes it; mistral with seed 003's {name, port}), their Services and pods. */
function cluster(extra: KubeObject[] = []): KubeObject[] {
  const llama = seedExamples<StackInferenceService>("InferenceService").find(
    (s) => s.metadata.name === "llama3-chatbot-service",
  )!;
  return [
    { ...llama, metadata: { ...llama.metadata, namespace: "default" } },
    stackService("mistral-agent-service", "mistralai/Mistral-Small-3.1-24B-Instruct-2503", {
      name: "mistral-backend",
      port: 8000,
    }),
    backendService("chatbot-service-backend"),
    backendService("mistral-backend"),
    enginePod("llama-0", "chatbot-service-backend"),
    enginePod("mistral-0", "mistral-backend"),
    ...extra,
  ];
}

function withSpec(spec: Partial<InferenceGatewaySpec>): InferenceGateway {
  const gw = seedGateway();
  return { ...gw, spec: { ...gw.spec, ...spec } };
}

function byKind(children: readonly KubeObject[], kind: string): KubeObject[] {
  return children.filter((c) => c.kind === kind);
}

function routerJson(children: readonly KubeObject[]): Record<string, unknown> {
  const cm = byKind(children, "ConfigMap")[0] as ConfigMap;
  return JSON.parse(cm.data!["static_config.json"]!) as Record<string, unknown>;
}

describe("InferenceGateway desired objects", () => {
  describe("the seeds' words, mapped (DESIGN.md §13)", () => {
    type Row = [Partial<InferenceGatewaySpec>, string, string | undefined, string, number];
    // spec → router logic, session key, picker scorers, words the router cannot carry
    const TABLE: Row[] = [
      [{}, "roundrobin", undefined, "queue-scorer:1", 0],
      [{ schedulingPolicy: "roundrobin" }, "roundrobin", undefined, "queue-scorer:1", 0],
      [{ routeStrategy: "RoundRobin" }, "roundrobin", undefined, "queue-scorer:1", 0],
      [{ routeStrategy: "PrefixHash" }, "prefixaware", undefined, "prefix-cache-scorer:3", 0],
      [{ sessionAffinity: true }, "session", "x-user-id", "queue-scorer:1", 0],
      [{ sessionAffinity: true, sessionHeader: "x-session" }, "session", "x-session", "queue-scorer:1", 0],
      [
        { schedulingPolicy: "gpu-load-aware" },
        "roundrobin",
        undefined,
        "queue-scorer:2,kv-cache-utilization-scorer:2",
        1,
      ],
      [
        { schedulingPolicy: "gpu-load-aware", router: { lmcacheControllerPort: 9000 } },
        "kvaware",
        undefined,
        "queue-scorer:2,kv-cache-utilization-scorer:2",
        0,
      ],
      [
        { schedulingPolicy: "gpu-load-aware", routeStrategy: "PrefixHash", sessionAffinity: true },
        "prefixaware",
        undefined,
        "queue-scorer:2,kv-cache-utilization-scorer:2,prefix-cache-scorer:3",
        2,
      ],
      [
        {
          schedulingPolicy: "gpu-load-aware",
          routeStrategy: "PrefixHash",
          sessionAffinity: true,
          router: { lmcacheControllerPort: 9000 },
        },
        "kvaware",
        "x-user-id",
        "queue-scorer:2,kv-cache-utilization-scorer:2,prefix-cache-scorer:3",
        1,
      ],
    ];
    for (const [spec, logic, key, scorers, unhonored] of TABLE)
      it(`${JSON.stringify(spec)} → router ${logic}, picker ${scorers}`, () => {
        const gw: InferenceGatewaySpec = { routes: [], ...spec };
        const policy = routerPolicy(gw);
        assert.deepEqual([policy.logic, policy.sessionKey, policy.unhonored.length], [logic, key, unhonored]);
        assert.equal(scorerText(pickerPolicy(gw).scorers), scorers);
        const seed = seedGateway();
        const gateway = { ...seed, spec: { routes: seed.spec.routes, ...spec } };
        const json = routerJson(gatewayDesired(gateway, staticView(cluster())).children);
        assert.equal(json.routing_logic, logic);
        assert.equal(json.session_key, key);
      });

    it("the picker says what it cannot carry: round robin and session affinity", () => {
      assert.equal(pickerPolicy({ schedulingPolicy: "roundrobin" }).unhonored.length, 1);
      assert.match(pickerPolicy({ sessionAffinity: true }).unhonored[0]!, /no session-affinity scorer/);
    });
  });

  describe("target router (default)", () => {
    it("makes the seed gateway's router: ConfigMap with the routes' backends, Deployment, Service — each valid", () => {
      const { children } = gatewayDesired(seedGateway(), staticView(cluster()));
      assert.deepEqual(
        children.map((c) => `${c.kind}/${c.metadata?.name ?? ""}`),
        ["ConfigMap/llm-gateway-router", "Deployment/llm-gateway-router", "Service/llm-gateway-router"],
      );
      for (const c of children) {
        assertValidEmitted(c);
        assert.deepEqual(
          c.metadata?.ownerReferences?.map((r) => [r.kind, r.uid, r.controller]),
          [["InferenceGateway", "gw-uid", true]],
        );
      }
      const json = routerJson(children);
      assert.deepEqual(json, {
        routing_logic: "prefixaware",
        service_discovery: "static",
        static_aliases: "mistral3:mistralai/Mistral-Small-3.1-24B-Instruct-2503",
        static_backends:
          "http://chatbot-service-backend.default.svc.cluster.local:8000,http://mistral-backend.default.svc.cluster.local:8000",
        static_models: "llama3-70b,mistralai/Mistral-Small-3.1-24B-Instruct-2503",
      });
      for (const key of Object.keys(json)) assert.ok(ROUTER_CONFIG_KEYS.includes(key), key);
      for (const url of json.static_backends.split(",")) assert.ok(routerAccepts(url), url);
    });

    it("mounts the ConfigMap as a directory (never subPath) and points --dynamic-config-json into it", () => {
      const deployment = byKind(
        gatewayDesired(seedGateway(), staticView(cluster())).children,
        "Deployment",
      )[0] as Deployment;
      const pod = deployment.spec!.template.spec!;
      const container = pod.containers[0]!;
      assert.deepEqual(container.volumeMounts, [
        { name: "dynamic-config", mountPath: "/etc/vllm-router", readOnly: true },
      ]);
      assert.deepEqual(pod.volumes, [{ name: "dynamic-config", configMap: { name: "llm-gateway-router" } }]);
      const args = container.args!;
      assert.equal(args[args.indexOf("--dynamic-config-json") + 1], "/etc/vllm-router/static_config.json");
      assert.equal(container.image, "lmcache/lmstack-router:latest");
    });

    it("turns the seed's semanticCache on in the router (strictest threshold), and says what it ignores", () => {
      const view = staticView(cluster());
      const args = (byKind(gatewayDesired(seedGateway(), view).children, "Deployment")[0] as Deployment).spec!.template
        .spec!.containers[0]!.args!;
      assert.deepEqual(args.slice(args.indexOf("--feature-gates")), [
        "--feature-gates",
        "SemanticCache=true",
        "--semantic-cache-threshold",
        "0.85",
      ]);
      const status = gatewayStatus(seedGateway(), gatewayFacts(seedGateway(), view), "2026-01-01T00:00:00Z");
      const cache = status.conditions!.find((c) => c.type === "SemanticCache")!;
      assert.equal(cache.status, "True");
      assert.match(cache.message!, /ignored: ttlSeconds, storeRef/);
      const guard = status.conditions!.find((c) => c.type === "PromptGuardEnforced")!;
      assert.deepEqual([guard.status, guard.reason], ["False", "NoEnforcingComponent"]);
    });

    it("rolls the router (pod template annotation) when the routing logic or session key changes, not when a backend does", () => {
      const annotation = (gw: InferenceGateway, objects: KubeObject[] = cluster()): string =>
        (byKind(gatewayDesired(gw, staticView(objects)).children, "Deployment")[0] as Deployment).spec!.template
          .metadata!.annotations![ANNOTATION_ROUTING_RESTART]!;
      const base = annotation(
        withSpec({ routeStrategy: "RoundRobin", schedulingPolicy: undefined, sessionAffinity: true }),
      );
      assert.notEqual(base, annotation(withSpec({ routeStrategy: "PrefixHash" })));
      assert.notEqual(
        base,
        annotation(
          withSpec({
            routeStrategy: "RoundRobin",
            schedulingPolicy: undefined,
            sessionAffinity: true,
            sessionHeader: "x-s",
          }),
        ),
      );
      const oneBackendMore = cluster([enginePod("llama-1", "chatbot-service-backend")]);
      assert.equal(
        base,
        annotation(
          withSpec({ routeStrategy: "RoundRobin", schedulingPolicy: undefined, sessionAffinity: true }),
          oneBackendMore,
        ),
      );
    });

    it("routes what resolves, reports what does not, and starts no router before a backend Service exists", () => {
      const partial = staticView(cluster().filter((o) => o.metadata?.name !== "mistral-agent-service"));
      const json = routerJson(gatewayDesired(seedGateway(), partial).children);
      assert.equal(json.static_models, "llama3-70b");
      const status = gatewayStatus(seedGateway(), gatewayFacts(seedGateway(), partial), "t");
      assert.deepEqual(
        status.routes!.map((r) => [r.model, r.ready]),
        [
          ["llama3-70b", true],
          ["mistral3", false],
        ],
      );
      assert.match(status.routes![1]!.message!, /InferenceService default\/mistral-agent-service does not exist/);

      const empty = staticView([]);
      assert.deepEqual(gatewayDesired(seedGateway(), empty).children, []);
      const ready = gatewayStatus(seedGateway(), gatewayFacts(seedGateway(), empty), "t").conditions!.find(
        (c) => c.type === "Ready",
      )!;
      assert.deepEqual([ready.status, ready.reason], ["False", "CarrierNotReady"]);
    });

    it("k8s discovery: the router's ServiceAccount, a pods-reading Role and its binding", () => {
      const gw = withSpec({ router: { serviceDiscovery: "k8s", k8sLabelSelector: "app=vllm" } });
      const children = gatewayDesired(gw, staticView(cluster())).children;
      assert.deepEqual(
        children.map((c) => c.kind),
        ["ConfigMap", "Deployment", "Service", "ServiceAccount", "Role", "RoleBinding"],
      );
      for (const c of children) assertValidEmitted(c);
      assert.deepEqual(routerJson(children), {
        k8s_label_selector: "app=vllm",
        k8s_namespace: "default",
        k8s_port: 8000,
        routing_logic: "prefixaware",
        service_discovery: "k8s",
      });
    });
  });

  describe("target gateway-api", () => {
    const gw = (): InferenceGateway =>
      withSpec({ target: "gateway-api", gateway: { name: "inference-gateway", sectionName: "http" } });

    it("makes an InferencePool and Endpoint Picker per InferenceService and one HTTPRoute — each valid by its published schema", () => {
      const { children } = gatewayDesired(gw(), staticView(cluster()));
      assert.deepEqual(
        children.map((c) => `${c.kind}/${c.metadata?.name ?? ""}`),
        [
          ...["llm-gateway-llama3-chatbot-service", "llm-gateway-mistral-agent-service"].flatMap((pool) => [
            `InferencePool/${pool}`,
            `ConfigMap/${pool}-epp`,
            `Deployment/${pool}-epp`,
            `Service/${pool}-epp`,
            `ServiceAccount/${pool}-epp`,
            `Role/${pool}-epp`,
            `RoleBinding/${pool}-epp`,
          ]),
          "HTTPRoute/llm-gateway",
        ],
      );
      for (const c of children) assertValidEmitted(c);
      const pool = byKind(children, "InferencePool")[0] as InferencePool;
      assert.deepEqual(pool.spec, {
        selector: { matchLabels: { app: "chatbot-service-backend" } },
        targetPorts: [{ number: 8000 }],
        endpointPickerRef: {
          name: "llm-gateway-llama3-chatbot-service-epp",
          port: { number: 9002 },
          failureMode: "FailOpen",
        },
      });
      const route = byKind(children, "HTTPRoute")[0] as HTTPRoute;
      assert.deepEqual(route.spec.parentRefs, [
        { group: "gateway.networking.k8s.io", kind: "Gateway", name: "inference-gateway", sectionName: "http" },
      ]);
      assert.deepEqual(route.spec.rules[1], {
        matches: [
          {
            path: { type: "PathPrefix", value: "/" },
            headers: [{ type: "Exact", name: "X-Gateway-Model-Name", value: "mistral3" }],
          },
        ],
        backendRefs: [
          { group: "inference.networking.k8s.io", kind: "InferencePool", name: "llm-gateway-mistral-agent-service" },
        ],
      });
    });

    it("configures each picker with the scorer weights the policy implies, and its flags for its pool", () => {
      const children = gatewayDesired(gw(), staticView(cluster())).children;
      const config = parse((byKind(children, "ConfigMap")[0] as ConfigMap).data!["plugins.yaml"]!) as Record<
        string,
        unknown
      >;
      assert.deepEqual(config, {
        apiVersion: "inference.networking.x-k8s.io/v1alpha1",
        kind: "EndpointPickerConfig",
        plugins: [{ type: "queue-scorer" }, { type: "kv-cache-utilization-scorer" }, { type: "prefix-cache-scorer" }],
        schedulingProfiles: [
          {
            name: "default",
            plugins: [
              { pluginRef: "queue-scorer", weight: 2 },
              { pluginRef: "kv-cache-utilization-scorer", weight: 2 },
              { pluginRef: "prefix-cache-scorer", weight: 3 },
            ],
          },
        ],
      });
      const epp = (byKind(children, "Deployment")[0] as Deployment).spec!.template.spec!.containers[0]!;
      const args = epp.args!;
      assert.equal(args[args.indexOf("--pool-name") + 1], "llm-gateway-llama3-chatbot-service");
      assert.equal(args[args.indexOf("--config-file") + 1], "/config/plugins.yaml");
      assert.equal(epp.image, "registry.k8s.io/gateway-api-inference-extension/epp:v1.5.0");
    });

    it("without spec.gateway: nothing, and Ready says to name the Gateway; session affinity is not claimed", () => {
      const bare = withSpec({ target: "gateway-api" });
      const view = staticView(cluster());
      assert.deepEqual(gatewayDesired(bare, view).children, []);
      const status = gatewayStatus(bare, gatewayFacts(bare, view), "t");
      const byType = new Map(status.conditions!.map((c) => [c.type, c]));
      assert.equal(byType.get("Ready")!.reason, "InvalidSpec");
      assert.match(byType.get("Ready")!.message!, /^spec.gateway: required with target gateway-api; name the Gateway/);
      assert.equal(byType.get("PolicyHonored")!.status, "False");
      assert.equal(byType.get("SemanticCache")!.status, "False");
    });
  });
});
