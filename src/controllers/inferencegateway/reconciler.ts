import {
  InferenceGatewayKind,
  StackInferenceServiceKind,
  type InferenceGateway,
  type InferenceGatewayStatus,
  type StackInferenceService,
} from "../../apis/production-stack.js";
import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import { GatewayKind } from "../../gateway-api/gateway.js";
import { HTTPRouteKind } from "../../gateway-api/http-route.js";
import { InferencePoolKind } from "../../gateway-api/inference-pool.js";
import { CONFIG_MAP, DEPLOYMENT, POD, ROLE, ROLE_BINDING, SERVICE, SERVICE_ACCOUNT } from "../../kube/core-kinds.js";
import { isKind, type KindRef } from "../../kube/kind.js";
import type { KubeObject } from "../../kube/object.js";
import type { DesiredState, EventNote, Reconciler } from "../runtime/reconciler.js";
import { formatFieldError } from "../../../webhooks/field-errors.js";
import { gatewaySpecErrors } from "../../../webhooks/validators/inference-gateway.js";
import { promptGuardVerdict, semanticCacheVerdict } from "../../routing/nlp-filters.js";
import { MAX_HTTPROUTE_RULES, gatewayChildren, poolRoutes } from "./gateway-target.js";
import { pickerName, routerName } from "../../routing/gateway-names.js";
import { pickerPolicy, routerPolicy, scorerText } from "../../routing/policy.js";
import { missingServices, resolveRoutes } from "./routes.js";
import { routerAddress, routerChildren } from "./router-target.js";
import {
  CONDITION_ROUTES_RESOLVED,
  REASON_SERVICE_NOT_FOUND,
  gatewayStatus,
  type Carrier,
  type GatewayFacts,
} from "./status.js";

export function targetOf(gw: InferenceGateway): "router" | "gateway-api" {
  return gw.spec.target ?? "router";
}

/** A Warning Event, only when condition `type` does not already say the same (no Event per pass). */
function transitionEvent(gw: InferenceGateway, type: string, reason: string, message: string): EventNote[] {
  const before = gw.status?.conditions?.find((c) => c.type === type);
  if (before?.status === "False" && before.reason === reason && before.message === message) return [];
  return [{ type: "Warning", reason, message }];
}

/**
 * The router or the pickers, by target (DESIGN.md §13); routes to an InferenceService that does
 * not exist are left out, said in an Event and condition RoutesResolved. A spec no pass can carry
 * (gatewaySpecErrors) holds the children as they are.
 */
export function gatewayDesired(gw: InferenceGateway, view: ClusterReader): DesiredState {
  const errors = gatewaySpecErrors(gw);
  if (errors.length > 0) {
    const message = errors.map(formatFieldError).join("; and ");
    return { children: [], hold: message, events: transitionEvent(gw, "Ready", "InvalidSpec", message) };
  }
  const routes = resolveRoutes(gw, view);
  const children = targetOf(gw) === "router" ? routerChildren(gw, routes) : gatewayChildren(gw, routes);
  const missing = missingServices(routes);
  const events = missing ? transitionEvent(gw, CONDITION_ROUTES_RESOLVED, REASON_SERVICE_NOT_FOUND, missing) : [];
  return { children, events };
}

function deploymentsReady(gw: InferenceGateway, view: ClusterReader, names: readonly string[]): Carrier {
  const owned = view.ownedOfKind(gw.metadata.uid ?? "", DEPLOYMENT);
  let ready = 0;
  let desired = 0;
  for (const name of names) {
    const d = owned.find((o) => o.metadata?.name === name);
    desired += d?.spec?.replicas ?? 1;
    ready += d?.status?.readyReplicas ?? 0;
  }
  return { ready, desired };
}

function routerFacts(
  gw: InferenceGateway,
  view: ClusterReader,
  f: Pick<GatewayFacts, "routes">,
): Partial<GatewayFacts> {
  const policy = routerPolicy(gw.spec);
  const name = routerName(gw.metadata.name ?? "");
  const started = routerChildren(gw, f.routes).length > 0;
  const carrier: Carrier = started
    ? deploymentsReady(gw, view, [name])
    : { ready: 0, desired: 1, problem: "no route has a backend Service yet: the router starts with the first" };
  return {
    routingLogic: policy.logic,
    address: routerAddress(gw),
    backends: f.routes.map((r) =>
      r.backend?.url ? { backend: r.backend.url } : { problem: r.problem ?? "no backend" },
    ),
    carrier,
    unhonored: policy.unhonored,
  };
}

function gatewayApiFacts(
  gw: InferenceGateway,
  view: ClusterReader,
  f: Pick<GatewayFacts, "routes">,
): Partial<GatewayFacts> {
  const policy = pickerPolicy(gw.spec);
  const pools = poolRoutes(gw, f.routes);
  const parent = gw.spec.gateway;
  const unhonored = [...policy.unhonored];
  if (pools.length > MAX_HTTPROUTE_RULES)
    unhonored.push(`only the first ${MAX_HTTPROUTE_RULES} routes fit one HTTPRoute`);
  const names = [...new Set(pools.map((p) => pickerName(p.pool)))];
  let carrier: Carrier = deploymentsReady(gw, view, names);
  if (!parent)
    carrier = { ready: 0, desired: 1, problem: "spec.gateway is required with target gateway-api: name the Gateway" };
  else if (pools.length === 0)
    carrier = { ready: 0, desired: 1, problem: "no route's Service selects pods on a known port yet" };
  const address = parent
    ? view.get(GatewayKind, parent.namespace ?? gw.metadata.namespace ?? "", parent.name)?.status?.addresses?.[0]?.value
    : undefined;
  return {
    routingLogic: scorerText(policy.scorers),
    ...(address ? { address } : {}),
    backends: f.routes.map((r) => {
      const pool = pools.find((p) => p.serviceName === r.serviceName);
      return pool
        ? { backend: `InferencePool ${pool.pool}` }
        : { problem: r.problem ?? "its Service selects no pods on a known port" };
    }),
    carrier,
    unhonored,
  };
}

export function gatewayFacts(gw: InferenceGateway, view: ClusterReader): GatewayFacts {
  const errors = gatewaySpecErrors(gw);
  const routes = resolveRoutes(gw, view);
  const target = targetOf(gw);
  const services = routes.flatMap((r) => (r.service ? [r.service] : []));
  const byTarget = target === "router" ? routerFacts(gw, view, { routes }) : gatewayApiFacts(gw, view, { routes });
  const semanticCache = semanticCacheVerdict(services, target === "router");
  const promptGuard = promptGuardVerdict(services);
  return {
    target,
    routes,
    routingLogic: byTarget.routingLogic ?? "",
    backends: byTarget.backends ?? [],
    carrier: byTarget.carrier ?? { ready: 0, desired: 1 },
    unhonored: byTarget.unhonored ?? [],
    ...(errors.length > 0 ? { invalid: errors.map(formatFieldError).join("; and ") } : {}),
    ...(byTarget.address ? { address: byTarget.address } : {}),
    ...(semanticCache ? { semanticCache } : {}),
    ...(promptGuard ? { promptGuard } : {}),
  };
}

/** A change of an InferenceService, Service, Pod or Gateway concerns the gateways of its namespace. */
function gatewaysConcerned(obj: KubeObject, view: ClusterReader): string[] {
  const kinds: readonly KindRef[] = [StackInferenceServiceKind, SERVICE, POD, GatewayKind];
  const concerns = kinds.some((k) => isKind(obj, k));
  if (!concerns) return [];
  const ns = obj.metadata?.namespace ?? "";
  const gateways = isKind(obj, GatewayKind) ? view.list(InferenceGatewayKind) : view.list(InferenceGatewayKind, ns);
  return gateways.map((g) => `${g.metadata.namespace ?? ""}/${g.metadata.name ?? ""}`);
}

/** InferenceGateway (seeds 001, 003) on the shared runtime. */
export const inferenceGatewayReconciler: Reconciler<InferenceGateway, InferenceGatewayStatus> = {
  name: "inferencegateway",
  kind: InferenceGatewayKind,
  owns: [CONFIG_MAP, DEPLOYMENT, SERVICE, SERVICE_ACCOUNT, ROLE, ROLE_BINDING, InferencePoolKind, HTTPRouteKind],
  mapToPrimaries: gatewaysConcerned,
  desired: (gw, view) => gatewayDesired(gw, view),
  status: (gw, view, now) => gatewayStatus(gw, gatewayFacts(gw, view), now.toISOString()),
};

/** The InferenceServices a gateway routes to (status of the services names it). */
export function routedServices(gw: InferenceGateway, view: ClusterReader): StackInferenceService[] {
  return resolveRoutes(gw, view).flatMap((r) => (r.service ? [r.service] : []));
}
