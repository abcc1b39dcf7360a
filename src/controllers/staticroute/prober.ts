import { StaticRouteKind, type StaticRoute } from "../../apis/production-stack.js";
import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import type { Logger } from "../../logging.js";
import { isLoopback } from "../../routing/loopback.js";
import type { LeaderTask } from "../runtime/manager.js";
import type { RouteHealthBook } from "./book.js";
import { healthSettings, nextHealth } from "./health.js";
import { probeBackend, probeRouter } from "./probe.js";
import { fullConfig, routeKey, routerTarget } from "./targets.js";

export { isLoopback };

export interface ProberOptions {
  view: ClusterReader;
  book: RouteHealthBook;
  log: Logger;
  /** How often due probes are looked for (ms). Default 1000. */
  tickMs?: number;
  /** Which URLs may be probed; default: all but loopback. */
  probeable?: (url: string) => boolean;
  /** Called after a probe changed what status would show (tests wait on it). */
  onChange?: (routeKey: string) => void;
}

/** One probe target: a backend or the router, probed every `periodMs`. */
interface Target {
  key: string;
  url: string;
  periodMs: number;
  run: () => Promise<void>;
}

/**
 * The edge that probes every StaticRoute's backends per its healthCheck, and the router its
 * routerRef names, and records the outcomes in the book the StaticRoute reconciler reads. Run by
 * the leader only (ControllerManager leaderTasks). Pure decisions live in health.ts and targets.ts.
 */
export class StaticRouteProber implements LeaderTask {
  private timer: NodeJS.Timeout | undefined;
  private readonly due = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private readonly inflight = new Set<string>();

  constructor(private readonly options: ProberOptions) {}

  start(): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => {
      this.tick();
    }, this.options.tickMs ?? 1000);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([...this.running]);
  }

  /** Starts every probe that is due; never waits for one. */
  tick(now = Date.now()): void {
    const targets = this.targets();
    const live = new Set(targets.map((t) => `${t.key} ${t.url}`));
    for (const id of this.due.keys()) if (!live.has(id)) this.due.delete(id);
    for (const t of targets) {
      const id = `${t.key} ${t.url}`;
      if (this.inflight.has(id) || (this.due.get(id) ?? 0) > now) continue;
      this.due.set(id, now + t.periodMs);
      this.inflight.add(id);
      const p = t.run().finally(() => {
        this.inflight.delete(id);
        this.running.delete(p);
      });
      this.running.add(p);
    }
  }

  private targets(): Target[] {
    const { view, book } = this.options;
    const keep = new Map<string, Set<string>>();
    const targets: Target[] = [];
    for (const route of view.list(StaticRouteKind)) {
      const key = routeKey(route);
      const urls = new Set<string>();
      keep.set(key, urls);
      targets.push(...this.routeTargets(route, key, urls));
    }
    book.retain(keep);
    return targets;
  }

  private routeTargets(route: StaticRoute, key: string, urls: Set<string>): Target[] {
    const { view, book, log } = this.options;
    const settings = healthSettings(route.spec.healthCheck);
    const periodMs = settings.periodSeconds * 1000;
    const timeoutMs = settings.timeoutSeconds * 1000;
    const probeable = this.options.probeable ?? ((u: string) => !isLoopback(u));
    const targets: Target[] = [];
    for (const backend of fullConfig(route, view).backends) {
      urls.add(backend.url);
      if (!probeable(backend.url)) {
        const at = new Date().toISOString();
        if (!book.backend(key, backend.url))
          book.setBackend(key, backend.url, {
            state: "Unknown",
            successes: 0,
            failures: 0,
            lastProbeTime: at,
            message: "loopback: only the router's own pod reaches it, not inferplane",
          });
        continue;
      }
      targets.push({
        key,
        url: backend.url,
        periodMs,
        run: async () => {
          const outcome = await probeBackend(backend.url, timeoutMs);
          const before = book.backend(key, backend.url);
          const after = nextHealth(before, outcome, settings);
          book.setBackend(key, backend.url, after);
          if (before?.state !== after.state)
            log.info("backend health changed", { route: key, url: backend.url, state: after.state });
          this.options.onChange?.(key);
        },
      });
    }
    const router = routerTarget(route, view);
    if (router && "url" in router)
      targets.push({
        key,
        url: router.url,
        periodMs,
        run: async () => {
          book.setRouter(key, await probeRouter(router.url, timeoutMs));
          this.options.onChange?.(key);
        },
      });
    return targets;
  }
}
