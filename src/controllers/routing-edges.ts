import type { KubeConfig } from "@kubernetes/client-node";
import type { ClusterReader } from "../cluster-view/cluster-view.js";
import type { Logger } from "../logging.js";
import { CacheMetricsReader } from "./inferencecache/reader.js";
import { CACHE_READINGS } from "./inferencecache/readings.js";
import type { LeaderTask } from "./runtime/manager.js";
import { ROUTE_HEALTH } from "./staticroute/book.js";
import { StaticRouteProber } from "./staticroute/prober.js";
import { ApiRouterRoller, RouterRoller } from "./staticroute/roller.js";

/**
 * The I/O edges of the routing controllers, run by the leader next to them: the StaticRoute
 * prober (backends and router /health) with its router roller, and, with a Prometheus, the
 * InferenceCache metrics reader. They write the books the registered reconcilers read.
 */
export function routingEdges(
  view: ClusterReader,
  kubeconfig: KubeConfig,
  log: Logger,
  prometheusUrl?: string,
): LeaderTask[] {
  const tasks: LeaderTask[] = [
    new StaticRouteProber({ view, book: ROUTE_HEALTH, log: log.child({ component: "staticroute-prober" }) }),
    new RouterRoller({ view, client: new ApiRouterRoller(kubeconfig), log: log.child({ component: "router-roller" }) }),
  ];
  if (prometheusUrl)
    tasks.push(
      new CacheMetricsReader({
        view,
        readings: CACHE_READINGS,
        prometheusUrl,
        log: log.child({ component: "cache-metrics" }),
      }),
    );
  return tasks;
}
