import assert from "node:assert/strict";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import type { InferenceGateway, InferenceGatewaySpec, StaticRoute } from "../../src/apis/production-stack.js";
import { validateOnly } from "../../src/cli/dry-run.js";
import { gatewayDesired, gatewayFacts } from "../../src/controllers/inferencegateway/reconciler.js";
import { gatewayStatus } from "../../src/controllers/inferencegateway/status.js";
import { ROUTE_HEALTH } from "../../src/controllers/staticroute/book.js";
import { staticRouteDesired, staticRouteFacts } from "../../src/controllers/staticroute/reconciler.js";
import { staticRouteStatus } from "../../src/controllers/staticroute/status.js";
import { brokenValues, objectValues } from "../../src/kube/object-values.js";
import type { KubeObject } from "../../src/kube/object.js";
import type { AdmissionContext } from "../../webhooks/context.js";
import {
  backendService,
  enginePod,
  seedExamples,
  seedGateway,
  seedStaticRoute,
  stackService,
} from "../support/routing.js";
import { staticView } from "../support/static-view.js";

function ctx(objects: KubeObject[] = []): AdmissionContext {
  return { view: staticView(objects), policy: { excludedNamespaces: new Set(["kube-system"]) } };
}

/** The seed's two InferenceServices, their backend Services and pods. */
function cluster(): KubeObject[] {
  return [
    ...seedExamples<KubeObject>("InferenceService").map((s) => ({
      ...s,
      metadata: { ...s.metadata, namespace: "default" },
    })),
    backendService("chatbot-service-backend"),
    backendService("mistral-backend"),
    enginePod("llama-0", "chatbot-service-backend"),
    enginePod("mistral-0", "mistral-backend"),
  ];
}

function gateway(spec: Partial<InferenceGatewaySpec> = {}, name?: string): InferenceGateway {
  const gw = seedGateway();
  return { ...gw, metadata: { ...gw.metadata, name: name ?? gw.metadata.name }, spec: { ...gw.spec, ...spec } };
}

function route(spec: Partial<StaticRoute["spec"]> = {}, name?: string): StaticRoute {
  const seed = seedStaticRoute();
  return { ...seed, metadata: { ...seed.metadata, name: name ?? seed.metadata.name }, spec: { ...seed.spec, ...spec } };
}

const invalidPaths = (verdict: ReturnType<typeof validateOnly>): string[] =>
  (verdict.status?.message ?? "")
    .replace(/^[^:]*is invalid: /, "")
    .split("; and ")
    .map((e) => e.split(":")[0] ?? "");

function assertValidChildren(children: readonly KubeObject[]): void {
  assert.ok(children.length > 0);
  for (const child of children) assert.deepEqual(brokenValues(objectValues(child)), [], child.metadata?.name);
}

describe("routing kinds: what a real apiserver or router would reject is refused, and what is left out is said", () => {
  describe("InferenceGateway", () => {
    it("refuses a name its router Service cannot take (1abc), and keeps a 100-character name valid everywhere", () => {
      const digit = validateOnly(gateway({}, "1abc"), ctx(cluster()));
      assert.equal(digit.status?.code, 422);
      assert.deepEqual(invalidPaths(digit), ["metadata.name"]);
      assert.match(
        digit.status?.message ?? "",
        /makes Service metadata.name \(the router's\) "1abc-router", which is not a DNS-1035 label/,
      );
      const long = "g".repeat(100);
      for (const target of ["router", "gateway-api"] as const) {
        const gw = gateway({ target, gateway: { name: "gw" } }, long);
        assert.equal(validateOnly(gw, ctx(cluster())).allowed, true);
        const children = gatewayDesired(gw, staticView(cluster())).children;
        assertValidChildren(children);
        const instance = children.map((c) => c.metadata?.labels?.["app.kubernetes.io/instance"]);
        assert.ok(
          instance.every((v) => v !== undefined && v.length <= 63 && v === instance[0]),
          "one short instance label",
        );
      }
    });

    it("names an Endpoint Picker validly for an InferenceService named with dots", () => {
      const svc = stackService("llama.v3", "meta-llama/Llama-3-8B", "chatbot-service-backend");
      const objects = [...cluster(), svc];
      const gw = gateway({
        target: "gateway-api",
        gateway: { name: "gw" },
        routes: [{ model: "l", inferenceServiceRef: "llama.v3" }],
      });
      assert.equal(validateOnly(gw, ctx(objects)).allowed, true);
      assertValidChildren(gatewayDesired(gw, staticView(objects)).children);
    });

    it("refuses two routes of one model (the router would send llama3-70b to Mistral), and holds one already stored", () => {
      const routes = [
        { model: "llama3-70b", inferenceServiceRef: "llama3-chatbot-service" },
        { model: "llama3-70b", inferenceServiceRef: "mistral-agent-service" },
      ];
      const gw = gateway({ routes });
      const verdict = validateOnly(gw, ctx(cluster()));
      assert.equal(verdict.status?.code, 422);
      assert.deepEqual(invalidPaths(verdict), ["spec.routes[1].model"]);
      const desired = gatewayDesired(gw, staticView(cluster()));
      assert.ok(desired.hold, "the router keeps its last config");
      assert.deepEqual(
        desired.events?.map((e) => e.reason),
        ["InvalidSpec"],
      );
      const ready = gatewayStatus(gw, gatewayFacts(gw, staticView(cluster())), "t").conditions?.find(
        (c) => c.type === "Ready",
      );
      assert.deepEqual([ready?.status, ready?.reason], ["False", "InvalidSpec"]);
    });

    it("refuses a session header that is no HTTP header name", () => {
      for (const header of ["bad header\nX: y", "x user", "", "x:y"]) {
        const verdict = validateOnly(gateway({ sessionHeader: header, sessionAffinity: true }), ctx(cluster()));
        assert.deepEqual(invalidPaths(verdict), ["spec.sessionHeader"], header);
      }
      assert.equal(
        validateOnly(gateway({ sessionHeader: "x-user-id", sessionAffinity: true }), ctx(cluster())).allowed,
        true,
      );
    });

    it("leaves a route to a missing InferenceService out, warns at admission, and says so in a condition and one Event", () => {
      const routes = [
        { model: "llama3-70b", inferenceServiceRef: "llama3-chatbot-service" },
        { model: "m3", inferenceServiceRef: "missing" },
      ];
      const gw = gateway({ routes });
      const verdict = validateOnly(gw, ctx(cluster()));
      assert.equal(verdict.allowed, true);
      assert.ok(
        verdict.warnings?.includes("spec.routes[1]: no InferenceService missing yet; m3 is left out until it exists"),
        JSON.stringify(verdict.warnings),
      );
      const view = staticView(cluster());
      const desired = gatewayDesired(gw, view);
      const config = desired.children.find((c) => c.kind === "ConfigMap") as ConfigMap;
      assert.doesNotMatch(config.data?.["static_config.json"] ?? "", /m3/);
      assert.deepEqual(
        desired.events?.map((e) => [e.type, e.reason]),
        [["Warning", "InferenceServiceNotFound"]],
      );
      const status = gatewayStatus(gw, gatewayFacts(gw, view), "t");
      const resolved = status.conditions?.find((c) => c.type === "RoutesResolved");
      assert.deepEqual([resolved?.status, resolved?.reason], ["False", "InferenceServiceNotFound"]);
      assert.match(resolved?.message ?? "", /^m3: InferenceService default\/missing does not exist/);
      const again = gatewayDesired({ ...gw, status }, view);
      assert.deepEqual(again.events, [], "no second Event while the condition already says it");
    });
  });

  describe("StaticRoute", () => {
    it("refuses a configMapName that is no ConfigMap name, and holds the ConfigMap it wrote", () => {
      for (const name of ["NaN", "", "ÜñÎ", "a_b"]) {
        const verdict = validateOnly(route({ configMapName: name }), ctx());
        assert.equal(verdict.status?.code, 422, name);
        assert.deepEqual(invalidPaths(verdict), ["spec.configMapName"], name);
        const r = route({ configMapName: name });
        const desired = staticRouteDesired(r, staticView([]), ROUTE_HEALTH);
        assert.ok(desired.hold, `${name}: held`);
        const applied = staticRouteStatus(r, staticRouteFacts(r, staticView([]), ROUTE_HEALTH), "t").conditions?.find(
          (c) => c.type === "ConfigApplied",
        );
        assert.deepEqual([applied?.status, applied?.reason], ["False", "InvalidSpec"], name);
      }
    });

    it("keeps the label and ConfigMap name of a long-named route within the apiserver's lengths", () => {
      for (const name of ["r".repeat(100), "r".repeat(253)]) {
        const r = route({}, name);
        assert.equal(validateOnly(r, ctx()).allowed, true);
        assertValidChildren(staticRouteDesired(r, staticView([]), ROUTE_HEALTH).children);
      }
    });

    it("refuses a backend port outside 1–65535, which the router would keep", () => {
      for (const port of ["99999", "0", "65536"]) {
        const verdict = validateOnly(
          route({ staticBackends: `http://10.0.0.1:${port},http://10.0.0.2:80,http://10.0.0.3:80` }),
          ctx(),
        );
        assert.deepEqual(invalidPaths(verdict), ["spec.staticBackends[0]"], port);
        assert.match(verdict.status?.message ?? "", new RegExp(`port ${port} is not a TCP port`));
      }
      const ok = validateOnly(
        route({ staticBackends: "http://10.0.0.1:65535,http://10.0.0.2:1,http://10.0.0.3:80" }),
        ctx(),
      );
      assert.equal(ok.allowed, true);
    });

    it("refuses a sessionKey that is no HTTP header name", () => {
      const verdict = validateOnly(route({ routingLogic: "session", sessionKey: "x user" }), ctx());
      assert.deepEqual(invalidPaths(verdict), ["spec.sessionKey"]);
    });
  });
});
