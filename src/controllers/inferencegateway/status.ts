import type { GatewayRouteStatus, InferenceGateway, InferenceGatewayStatus } from "../../apis/production-stack.js";
import { condition, type Condition } from "../runtime/conditions.js";
import { missingServices, type ResolvedRoute } from "./routes.js";

/** Condition: every route's InferenceService exists (False: those missing are left out of the config). */
export const CONDITION_ROUTES_RESOLVED = "RoutesResolved";
export const REASON_SERVICE_NOT_FOUND = "InferenceServiceNotFound";

/** Whether the router or the pickers serve: ready replicas of what was asked. */
export interface Carrier {
  ready: number;
  desired: number;
  /** Why nothing serves yet (no route resolved, no Gateway named…). */
  problem?: string;
}

/** Everything status() reads, as plain data. */
export interface GatewayFacts {
  target: "router" | "gateway-api";
  routingLogic: string;
  address?: string;
  routes: readonly ResolvedRoute[];
  /** Per route (same order): the backend the carrier is given, or why none. */
  backends: readonly ({ backend: string } | { problem: string })[];
  carrier: Carrier;
  unhonored: readonly string[];
  semanticCache?: [Condition["status"], string, string];
  promptGuard?: [Condition["status"], string, string];
  /** Why no pass can carry the spec (gatewaySpecErrors), when it cannot. */
  invalid?: string;
}

function routeStatus(route: ResolvedRoute, carried: { backend: string } | { problem: string }): GatewayRouteStatus {
  const readyEndpoints = route.backend?.readyPods.length ?? 0;
  const problem = route.problem ?? ("problem" in carried ? carried.problem : undefined);
  const status: GatewayRouteStatus = {
    model: route.model,
    inferenceService: route.serviceName,
    readyEndpoints,
    ready: problem === undefined && readyEndpoints > 0,
  };
  if ("backend" in carried) status.backend = carried.backend;
  if (problem) status.message = problem;
  return status;
}

type Verdict = [Condition["status"], string, string];

function readiness(f: GatewayFacts, routes: readonly GatewayRouteStatus[]): { ready: Verdict; degraded: Verdict } {
  const notReady = routes.filter((r) => !r.ready);
  const carrier = f.carrier;
  const carrierUp = carrier.problem === undefined && carrier.ready > 0;
  const what = f.target === "router" ? "router" : "endpoint pickers";
  const routesText = notReady.map((r) => `${r.model}: ${r.message ?? "no ready endpoint"}`).join("; ");
  let ready: Verdict = ["True", "Ready", `${what} ready; ${routes.length} routes ready`];
  if (!carrierUp)
    ready = ["False", "CarrierNotReady", carrier.problem ?? `${what}: ${carrier.ready}/${carrier.desired} ready`];
  else if (notReady.length > 0) ready = ["False", "RoutesNotReady", routesText];
  const partial = notReady.length > 0 && notReady.length < routes.length;
  const short = carrierUp && carrier.ready < carrier.desired;
  const degraded: Verdict =
    partial || short
      ? [
          "True",
          partial ? "SomeRoutesNotReady" : "CarrierShort",
          partial ? routesText : `${what}: ${carrier.ready}/${carrier.desired} ready`,
        ]
      : ["False", "NotDegraded", "every route and replica is as asked"];
  return { ready, degraded };
}

/** The InferenceGateway's status: target, routing logic, address, each route, and the conditions. Pure. */
export function gatewayStatus(gw: InferenceGateway, f: GatewayFacts, now: string): InferenceGatewayStatus {
  const generation = gw.metadata.generation;
  const previous = gw.status?.conditions;
  const routes = f.routes.map((r, i) => routeStatus(r, f.backends[i] ?? { problem: "not carried" }));
  const verdict = readiness(f, routes);
  const ready: Verdict = f.invalid ? ["False", "InvalidSpec", f.invalid] : verdict.ready;
  const degraded = verdict.degraded;
  const honored: Verdict =
    f.unhonored.length === 0
      ? ["True", "AllCarried", `carried as ${f.routingLogic}`]
      : ["False", "NotCarried", f.unhonored.join("; ")];
  const missing = missingServices(f.routes);
  const resolved: Verdict = missing
    ? ["False", REASON_SERVICE_NOT_FOUND, missing]
    : ["True", "AllFound", "every route's InferenceService exists"];
  const verdicts: [string, Verdict][] = [
    ["Ready", ready],
    [CONDITION_ROUTES_RESOLVED, resolved],
    ["Degraded", degraded],
    ["PolicyHonored", honored],
    ...(f.semanticCache ? [["SemanticCache", f.semanticCache] as [string, Verdict]] : []),
    ...(f.promptGuard ? [["PromptGuardEnforced", f.promptGuard] as [string, Verdict]] : []),
  ];
  return {
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    target: f.target,
    routingLogic: f.routingLogic,
    ...(f.address ? { address: f.address } : {}),
    routes,
    conditions: verdicts.map(([type, [s, reason, message]]) =>
      condition(type, s, reason, message, previous, now, generation),
    ),
  };
}
