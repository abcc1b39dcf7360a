import type { StaticRoute } from "../../apis/production-stack.js";
import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import { SERVICE } from "../../kube/core-kinds.js";
import { serviceHost } from "../../vllm-router/url.js";
import { staticRouteConfig, type StaticConfigResult } from "../../routing/static-config.js";
import type { RouteHealthBook } from "./book.js";
import { healthSettings } from "./health.js";

export function routeKey(route: StaticRoute): string {
  return `${route.metadata.namespace ?? ""}/${route.metadata.name ?? ""}`;
}

export { configMapName } from "../../routing/static-route-names.js";

/** The route's config over every backend (none left out): what is probed. */
export function fullConfig(route: StaticRoute, view: ClusterReader): StaticConfigResult {
  const ns = route.metadata.namespace ?? "";
  return staticRouteConfig(route.spec, ns, (name) => view.get(SERVICE, ns, name) !== undefined);
}

/** The config written: Unhealthy backends left out when healthCheck.excludeUnhealthy asks for it. */
export function writtenConfig(route: StaticRoute, view: ClusterReader, book: RouteHealthBook): StaticConfigResult {
  const ns = route.metadata.namespace ?? "";
  const full = fullConfig(route, view);
  if (!healthSettings(route.spec.healthCheck).excludeUnhealthy) return full;
  const exclude = new Set(
    full.backends.flatMap((b, i) => (book.backend(routeKey(route), b.url)?.state === "Unhealthy" ? [i] : [])),
  );
  return staticRouteConfig(route.spec, ns, (name) => view.get(SERVICE, ns, name) !== undefined, exclude);
}

function firstPort(svc: { spec?: { ports?: { port: number }[] } }): number | undefined {
  return svc.spec?.ports?.[0]?.port;
}

export type RouterTarget = { url: string } | { problem: string };

/**
 * Where the router named by routerRef answers `/health`: its Service's cluster DNS name on
 * routerRef.port or the Service's first port. A Deployment, a Service of another namespace or one
 * the view does not hold give the reason instead.
 */
export function routerTarget(route: StaticRoute, view: ClusterReader): RouterTarget | undefined {
  const ref = route.spec.routerRef;
  if (!ref) return undefined;
  const ns = route.metadata.namespace ?? "";
  if (ref.namespace && ref.namespace !== ns)
    return {
      problem: `routerRef is in namespace ${ref.namespace}; a router mounts only ConfigMaps of its own (${ns})`,
    };
  if ((ref.kind ?? "Service") !== "Service")
    return {
      problem: `routerRef names Deployment ${ref.name}; name its Service to let inferplane read the router's /health`,
    };
  const svc = view.get(SERVICE, ns, ref.name);
  if (!svc) return { problem: `Service ${ns}/${ref.name} (routerRef) does not exist` };
  const port = ref.port ?? firstPort(svc);
  if (port === undefined) return { problem: `Service ${ns}/${ref.name} has no port` };
  return { url: `http://${serviceHost(ref.name, ns)}:${port}` };
}
