import { StaticRouteKind, type StaticRoute, type StaticRouteStatus } from "../../apis/production-stack.js";
import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import { CONFIG_MAP, SERVICE } from "../../kube/core-kinds.js";
import type { KubeObject } from "../../kube/object.js";
import { dynamicConfigJson } from "../../vllm-router/dynamic-config.js";
import { STATIC_CONFIG_KEY } from "../../vllm-router/router.js";
import type { DesiredState, Reconciler } from "../runtime/reconciler.js";
import { formatFieldError } from "../../../webhooks/field-errors.js";
import { staticRouteNameErrors } from "../../../webhooks/validators/static-route.js";
import { ROUTE_HEALTH, type RouteHealthBook } from "./book.js";
import { configHash, routeConfigMap } from "./config-map.js";
import { healthSettings } from "./health.js";
import { staticRouteStatus, type RouteFacts } from "./status.js";
import { configMapName, fullConfig, routeKey, routerTarget, writtenConfig } from "./targets.js";

function liveConfigText(route: StaticRoute, view: ClusterReader): string | undefined {
  const live = view
    .ownedOfKind(route.metadata.uid ?? "", CONFIG_MAP)
    .find((cm) => cm.metadata?.name === configMapName(route));
  return live?.data?.[STATIC_CONFIG_KEY];
}

/**
 * The route's ConfigMap: the config as the spec says (Unhealthy backends left out on request);
 * while the spec has errors, the last config written stays (never a broken one, never none: the
 * router cannot start without the file). Passes again every periodSeconds, so status follows the probes.
 */
export function staticRouteDesired(route: StaticRoute, view: ClusterReader, book: RouteHealthBook): DesiredState {
  const recheckAfterMs = healthSettings(route.spec.healthCheck).periodSeconds * 1000;
  const invalid = staticRouteNameErrors(route);
  if (invalid.length > 0) return { children: [], hold: invalid.map(formatFieldError).join("; and "), recheckAfterMs };
  const result = writtenConfig(route, view, book);
  const text = result.config ? dynamicConfigJson(result.config) : liveConfigText(route, view);
  const children: KubeObject[] = text ? [routeConfigMap(route, configMapName(route), text)] : [];
  return { children, recheckAfterMs };
}

export function staticRouteFacts(route: StaticRoute, view: ClusterReader, book: RouteHealthBook): RouteFacts {
  const written = writtenConfig(route, view, book);
  const live = liveConfigText(route, view);
  const router = routerTarget(route, view);
  const observed = book.get(routeKey(route));
  return {
    configMap: configMapName(route),
    errors: [...staticRouteNameErrors(route), ...written.errors],
    backends: fullConfig(route, view).backends,
    ...(written.config ? { config: written.config, hash: configHash(dynamicConfigJson(written.config)) } : {}),
    ...(live !== undefined ? { liveHash: configHash(live) } : {}),
    ...(router ? { router } : {}),
    ...(observed ? { observed } : {}),
  };
}

/** The StaticRoutes of a namespace whose backends or routerRef name this Service. */
function routesNaming(obj: KubeObject, view: ClusterReader): string[] {
  if (obj.kind !== SERVICE.kind || obj.apiVersion !== "v1") return [];
  const ns = obj.metadata?.namespace ?? "";
  const name = obj.metadata?.name ?? "";
  return view
    .list(StaticRouteKind, ns)
    .filter((r) => r.spec.routerRef?.name === name || (r.spec.staticBackends ?? "").includes(`//${name}`))
    .map(routeKey);
}

/** StaticRoute (seed 003) on the shared runtime, reading probe results from `book`. */
export function staticRouteReconciler(book: RouteHealthBook): Reconciler<StaticRoute, StaticRouteStatus> {
  return {
    name: "staticroute",
    kind: StaticRouteKind,
    owns: [CONFIG_MAP],
    mapToPrimaries: routesNaming,
    desired: (route, view) => staticRouteDesired(route, view, book),
    status: (route, view, now) => staticRouteStatus(route, staticRouteFacts(route, view, book), now.toISOString()),
  };
}

export const STATIC_ROUTE_RECONCILER = staticRouteReconciler(ROUTE_HEALTH);
