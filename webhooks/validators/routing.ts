import {
  StackInferenceServiceKind,
  type InferenceGateway,
  type StackInferenceService,
  type StaticRoute,
} from "../../src/apis/production-stack.js";
import { pickerPolicy, routerPolicy } from "../../src/routing/policy.js";
import { isLoopback } from "../../src/routing/loopback.js";
import { ignoredSemanticCacheSettings } from "../../src/routing/nlp-filters.js";
import { SERVICE } from "../../src/kube/core-kinds.js";
import { staticRouteConfig } from "../../src/routing/static-config.js";
import type { AdmissionContext } from "../context.js";
import { DenialCode, type FieldError } from "../field-errors.js";
import { failures, success, type Outcome } from "../enhancers/result.js";
import { gatewaySpecErrors } from "./inference-gateway.js";
import { staticRouteNameErrors } from "./static-route.js";
import type { Findings } from "./findings.js";

/**
 * Admission rules of the routing kinds (issue 16), apart from the other production-stack rules so
 * both can change shape independently. The rules themselves are the controllers' (one source): a
 * StaticRoute is refused for what the router would drop or reject, an InferenceGateway for what
 * cannot be carried at all; what is carried only in part is a warning, as its status conditions say.
 */

function routerRefErrors(route: StaticRoute, namespace: string): FieldError[] {
  const ns = route.spec.routerRef?.namespace;
  if (!ns || ns === namespace) return [];
  return [
    {
      path: "spec.routerRef.namespace",
      detail: `${ns}: a router mounts only ConfigMaps of its own namespace, and this route writes into ${namespace}`,
      fix: `create the StaticRoute in ${ns}, or drop routerRef.namespace`,
    },
  ];
}

export function validateStaticRoute(obj: unknown, namespace: string, ctx: AdmissionContext): Outcome<unknown> {
  const route = obj as StaticRoute;
  const isService = (name: string): boolean => ctx.view.get(SERVICE, namespace, name) !== undefined;
  const result = staticRouteConfig(route.spec, namespace, isService);
  const errors = [...staticRouteNameErrors(route), ...result.errors, ...routerRefErrors(route, namespace)];
  if (errors.length > 0) return failures(DenialCode.Invalid, errors);
  const warnings = [
    ...result.backends
      .filter((b) => b.writtenAs)
      .map((b) => `spec.staticBackends: ${b.writtenAs ?? ""} is written as ${b.url}`),
    ...(result.backends.some((b) => isLoopback(b.url))
      ? ["spec.staticBackends: localhost backends are the router pod's own; inferplane cannot probe their health"]
      : []),
  ];
  return success(undefined, warnings);
}

/** Routes to an InferenceService not there (yet): allowed, since it may come later; the route waits out of the config. */
function missingServiceWarnings(gw: InferenceGateway, namespace: string, ctx: AdmissionContext): string[] {
  if (!ctx.view.hasSynced()) return [];
  return (gw.spec.routes ?? []).flatMap((route, i) =>
    ctx.view.get(StackInferenceServiceKind, namespace, route.inferenceServiceRef)
      ? []
      : [
          `spec.routes[${i}]: no InferenceService ${route.inferenceServiceRef} yet; ${route.model} is left out until it exists`,
        ],
  );
}

export function validateInferenceGateway(obj: unknown, namespace: string, ctx: AdmissionContext): Outcome<unknown> {
  const gw = obj as InferenceGateway;
  const errors = gatewaySpecErrors(gw);
  if (errors.length > 0) return failures(DenialCode.Invalid, errors);
  const target = gw.spec.target ?? "router";
  const unhonored = target === "router" ? routerPolicy(gw.spec).unhonored : pickerPolicy(gw.spec).unhonored;
  // The first clause of each: the field and what happens; the condition PolicyHonored has the rest.
  return success(undefined, [
    ...unhonored.map(
      (u) =>
        `not carried by the ${target === "router" ? "router" : "Endpoint Picker"}: ${u.split(":")[0] ?? u}; see PolicyHonored`,
    ),
    ...missingServiceWarnings(gw, namespace, ctx),
  ]);
}

/** nlpFilters settings no real component honours: allowed, and said (seed 001's example has both). */
export function nlpFilterFindings(svc: StackInferenceService): Findings {
  const warnings: string[] = [];
  const ignored = ignoredSemanticCacheSettings(svc);
  if (ignored.length > 0)
    warnings.push(
      `nlpFilters.semanticCache.${ignored.join(", ")}: the vLLM router's semantic cache has no such setting; ignored`,
    );
  if ((svc.spec.nlpFilters?.promptGuard?.blockedPatterns ?? []).length > 0)
    warnings.push(
      "nlpFilters.promptGuard: no router or gateway here enforces blockedPatterns (see PromptGuardEnforced)",
    );
  return { problems: [], warnings };
}

/** Two sets of findings as one. */
export function mergeFindings(a: Findings, b: Findings): Findings {
  return { problems: [...a.problems, ...b.problems], warnings: [...a.warnings, ...b.warnings] };
}
