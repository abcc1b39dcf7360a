import assert from "node:assert/strict";
import fc from "fast-check";
import type { StaticRouteSpec } from "../../src/apis/production-stack.js";
import { ROUTER_CONFIG_KEYS, ROUTING_LOGICS, dynamicConfigJson } from "../../src/vllm-router/dynamic-config.js";
import { staticRouteConfig } from "../../src/routing/static-config.js";
import { checkBackendUrl, routerAccepts } from "../../src/vllm-router/url.js";
import { seedStaticRoute } from "../support/routing.js";

const noServices = (): boolean => false;

describe("vLLM router config (StaticRoute → static_config.json)", () => {
  // production-stack src/vllm_router/utils.py validate_url: which URLs the router keeps.
  const URLS: [string, boolean][] = [
    ["http://localhost:9001", true],
    ["https://localhost", true],
    ["http://10.0.0.7:8000", true],
    ["http://vllm.ml.svc.cluster.local:8000/v1", true],
    ["http://vllm.ml.svc:8000", true],
    ["http://my_svc.ml.svc.cluster.local", true],
    ["http://vllm-a:8000", false],
    ["http://vllm.team1:8000", false],
    ["grpc://vllm.ml.svc.cluster.local:8000", false],
    ["http://[::1]:8000", false],
    [" http://localhost:9001", false],
    ["vllm.ml.svc.cluster.local:8000", false],
  ];
  for (const [url, kept] of URLS)
    it(`the router ${kept ? "keeps" : "drops"} ${JSON.stringify(url)}`, () => {
      assert.equal(routerAccepts(url), kept);
    });

  it("qualifies a single-label host that names a Service of the namespace, and refuses any other with the fix", () => {
    assert.deepEqual(
      checkBackendUrl("http://vllm-a:8000/v1", "ml", (n) => n === "vllm-a"),
      { ok: true, url: "http://vllm-a.ml.svc.cluster.local:8000/v1", qualified: true },
    );
    const refused = checkBackendUrl("http://vllm-b:8000", "ml", (n) => n === "vllm-a");
    assert.equal(refused.ok, false);
    assert.ok(!refused.ok && refused.fix.includes("http://vllm-b.ml.svc.cluster.local:8000"));
  });

  it("writes the seed's StaticRoute as the router's keys, lists parallel, nothing else", () => {
    const route = seedStaticRoute();
    const result = staticRouteConfig(route.spec, "default", noServices);
    assert.deepEqual(result.errors, []);
    const json = JSON.parse(dynamicConfigJson(result.config!)) as Record<string, unknown>;
    assert.deepEqual(json, {
      routing_logic: "roundrobin",
      service_discovery: "static",
      static_backends: "http://localhost:9001,http://localhost:9002,http://localhost:9003",
      static_models: "facebook/opt-125m,meta-llama/Llama-3.1-8B-Instruct,facebook/opt-125m",
    });
    for (const key of Object.keys(json)) assert.ok(ROUTER_CONFIG_KEYS.includes(key), key);
    assert.ok(ROUTING_LOGICS.includes(json.routing_logic as never));
  });

  it("maps every field to its router key, spaces dropped from the comma lists", () => {
    const spec: StaticRouteSpec = {
      serviceDiscovery: "static",
      routingLogic: "disaggregated_prefill",
      staticBackends: "http://p.ml.svc.cluster.local:8000, http://d.ml.svc.cluster.local:8000",
      staticModels: "llama, llama",
      staticModelLabels: "prefill,decode",
      staticModelTypes: "chat,chat",
      staticAliases: "gpt-4:llama",
      prefillModelLabels: "prefill",
      decodeModelLabels: "decode",
      sessionKey: "x-user-id",
    };
    const { config, errors } = staticRouteConfig(spec, "ml", noServices);
    assert.deepEqual(errors, []);
    assert.deepEqual(JSON.parse(dynamicConfigJson(config!)), {
      decode_model_labels: "decode",
      prefill_model_labels: "prefill",
      routing_logic: "disaggregated_prefill",
      service_discovery: "static",
      session_key: "x-user-id",
      static_aliases: "gpt-4:llama",
      static_backends: "http://p.ml.svc.cluster.local:8000,http://d.ml.svc.cluster.local:8000",
      static_model_labels: "prefill,decode",
      static_model_types: "chat,chat",
      static_models: "llama,llama",
    });
  });

  it("k8s discovery writes the k8s keys and no static lists", () => {
    const { config } = staticRouteConfig(
      {
        serviceDiscovery: "k8s",
        routingLogic: "session",
        sessionKey: "x-user-id",
        k8sPort: 8000,
        k8sLabelSelector: "app=vllm",
      },
      "ml",
      noServices,
    );
    assert.deepEqual(config, {
      service_discovery: "k8s",
      routing_logic: "session",
      session_key: "x-user-id",
      k8s_port: 8000,
      k8s_label_selector: "app=vllm",
      k8s_namespace: undefined,
      static_aliases: undefined,
      static_model_labels: undefined,
      static_model_types: undefined,
      prefill_model_labels: undefined,
      decode_model_labels: undefined,
    });
  });

  it("refuses what the router would drop or reject, each with its field and fix, and writes nothing", () => {
    const paths = (spec: StaticRouteSpec): string[] =>
      staticRouteConfig(spec, "ml", noServices).errors.map((e) => e.path);
    assert.deepEqual(paths({ staticBackends: "http://a:1,http://localhost:2", staticModels: "m,m" }), [
      "spec.staticBackends[0]",
    ]);
    assert.deepEqual(paths({ staticBackends: "http://localhost:1", staticModels: "m,n" }), ["spec.staticModels"]);
    assert.deepEqual(paths({ staticBackends: "http://localhost:1,", staticModels: "m," }), [
      "spec.staticBackends",
      "spec.staticModels",
    ]);
    assert.deepEqual(paths({ routingLogic: "session", staticBackends: "http://localhost:1", staticModels: "m" }), [
      "spec.sessionKey",
    ]);
    assert.deepEqual(paths({ serviceDiscovery: "k8s" }), ["spec.k8sPort"]);
    assert.deepEqual(paths({ staticModels: "m" }), ["spec.staticBackends"]);
    const bad = staticRouteConfig({ staticBackends: "http://a:1", staticModels: "m" }, "ml", noServices);
    assert.equal(bad.config, undefined);
    for (const e of bad.errors) assert.ok(e.detail !== "" && e.fix !== "");
  });

  it("leaves Unhealthy backends out when asked, keeping every list parallel, but never all of them", () => {
    const spec: StaticRouteSpec = {
      staticBackends: "http://localhost:1,http://localhost:2,http://localhost:3",
      staticModels: "a,b,c",
      staticModelLabels: "x,y,z",
    };
    const some = staticRouteConfig(spec, "ml", noServices, new Set([1])).config!;
    assert.deepEqual(
      [some.static_backends, some.static_models, some.static_model_labels],
      ["http://localhost:1,http://localhost:3", "a,c", "x,z"],
    );
    const all = staticRouteConfig(spec, "ml", noServices, new Set([0, 1, 2])).config!;
    assert.equal(all.static_backends, "http://localhost:1,http://localhost:2,http://localhost:3");
  });

  it("property: a written config's backends are URLs the router keeps, as many as its models, without spaces", () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
    const url = fc.oneof(
      label.map((l) => `http://${l}:8000`),
      label.map((l) => `http://${l}.ml.svc.cluster.local`),
      fc.constant("http://localhost:9000"),
      fc.constant("http://10.1.2.3"),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(url, label), { minLength: 1, maxLength: 6 }), fc.boolean(), (pairs, spaced) => {
        const sep = spaced ? ", " : ",";
        const spec: StaticRouteSpec = {
          staticBackends: pairs.map(([u]) => u).join(sep),
          staticModels: pairs.map(([, m]) => m).join(sep),
        };
        const { config, errors } = staticRouteConfig(spec, "ml", (n) => n.startsWith("a"));
        if (!config) return errors.length > 0;
        const urls = config.static_backends!.split(",");
        const models = config.static_models!.split(",");
        return urls.length === models.length && urls.every(routerAccepts) && !/\s/.test(urls.join() + models.join());
      }),
    );
  });
});
