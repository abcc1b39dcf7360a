import type { BackendHealth } from "./health.js";
import type { RouterReport } from "./probe.js";

/** What the probes found for one StaticRoute. */
export interface RouteObservations {
  /** By backend URL (as written to the router). */
  backends: Map<string, BackendHealth>;
  router?: RouterReport;
}

/**
 * The probes' findings, written by the prober (an edge run by the leader) and read by the
 * StaticRoute reconciler's status(). Keyed by `namespace/name` of the route.
 */
export class RouteHealthBook {
  private readonly routes = new Map<string, RouteObservations>();

  get(key: string): RouteObservations | undefined {
    return this.routes.get(key);
  }

  backend(key: string, url: string): BackendHealth | undefined {
    return this.routes.get(key)?.backends.get(url);
  }

  setBackend(key: string, url: string, health: BackendHealth): void {
    this.entry(key).backends.set(url, health);
  }

  setRouter(key: string, report: RouterReport): void {
    this.entry(key).router = report;
  }

  /** Forgets routes no longer present, and backends a route no longer lists. */
  retain(keep: ReadonlyMap<string, ReadonlySet<string>>): void {
    for (const [key, route] of this.routes) {
      const urls = keep.get(key);
      if (!urls) this.routes.delete(key);
      else for (const url of [...route.backends.keys()].filter((u) => !urls.has(u))) route.backends.delete(url);
    }
  }

  private entry(key: string): RouteObservations {
    let route = this.routes.get(key);
    if (!route) {
      route = { backends: new Map() };
      this.routes.set(key, route);
    }
    return route;
  }
}

/** The book the running controllers and the prober share (serve wires both to it). */
export const ROUTE_HEALTH = new RouteHealthBook();
