import { INFERENCE_CACHE, InferenceCacheKind, type InferenceCache } from "../../apis/production-stack.js";
import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import { POD } from "../../kube/core-kinds.js";
import type { Logger } from "../../logging.js";
import { instantQuery } from "../../prometheus/query.js";
import type { LeaderTask } from "../runtime/manager.js";
import type { CacheReading, CacheReadings } from "./readings.js";

/** vLLM's cache metrics (vllm/v1/metrics: counters exposed with _total; the usage gauge is a fraction). */
export const PREFIX_CACHE_HITS = "vllm:prefix_cache_hits_total";
export const PREFIX_CACHE_QUERIES = "vllm:prefix_cache_queries_total";
export const KV_CACHE_USAGE = "vllm:kv_cache_usage_perc";

const escape = (v: string): string => v.replace(/[\\"]/g, (c) => `\\${c}`);

/** `{namespace="ns",pod=~"a|b"}`: the series of these pods, as kubernetes_sd relabelling names them. */
export function podMatcher(namespace: string, pods: readonly string[]): string {
  const names = pods.map((p) => p.replace(/[.]/g, "\\\\.")).join("|");
  return `{namespace="${escape(namespace)}",pod=~"${escape(names)}"}`;
}

/** The pods of the cache's namespace that name it. */
export function cachePods(cache: InferenceCache, view: ClusterReader): string[] {
  return view
    .list(POD, cache.metadata.namespace ?? "")
    .filter((p) => p.metadata?.annotations?.[INFERENCE_CACHE] === cache.metadata.name)
    .map((p) => p.metadata?.name ?? "")
    .sort();
}

/** Reads one cache's pods from Prometheus: 5-minute prefix-cache hit rate, highest KV-cache usage. */
export async function readCache(
  baseUrl: string,
  namespace: string,
  pods: readonly string[],
  timeoutMs: number,
  now: Date,
): Promise<CacheReading> {
  const at = now.toISOString();
  if (pods.length === 0) return { at, pods: [] };
  const m = podMatcher(namespace, pods);
  try {
    const [hits, queries, usage] = await Promise.all([
      instantQuery(baseUrl, `sum(rate(${PREFIX_CACHE_HITS}${m}[5m]))`, timeoutMs, now),
      instantQuery(baseUrl, `sum(rate(${PREFIX_CACHE_QUERIES}${m}[5m]))`, timeoutMs, now),
      instantQuery(baseUrl, `max(${KV_CACHE_USAGE}${m})`, timeoutMs, now),
    ]);
    const reading: CacheReading = { at, pods: [...pods] };
    if (hits !== undefined && queries !== undefined && queries > 0) reading.hitRate = hits / queries;
    if (usage !== undefined) reading.kvCacheUsage = usage;
    return reading;
  } catch (err) {
    return { at, pods: [...pods], error: (err as Error).message };
  }
}

export interface CacheReaderOptions {
  view: ClusterReader;
  readings: CacheReadings;
  prometheusUrl: string;
  log: Logger;
  /** Default 30 s. */
  intervalMs?: number;
  timeoutMs?: number;
}

/** The edge that reads every InferenceCache's metrics from Prometheus, in the leader, every intervalMs. */
export class CacheMetricsReader implements LeaderTask {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> = Promise.resolve();

  constructor(private readonly options: CacheReaderOptions) {}

  start(): void {
    this.options.readings.reading = true;
    this.pass = this.readAll();
    this.timer = setInterval(() => {
      this.pass = this.pass.then(() => this.readAll());
    }, this.options.intervalMs ?? 30_000);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.pass;
  }

  /** One pass over every cache; resolves when all are read. */
  async readAll(now = new Date()): Promise<void> {
    const { view, readings, prometheusUrl, log } = this.options;
    const caches = view.list(InferenceCacheKind);
    readings.retain(new Set(caches.map((c) => `${c.metadata.namespace ?? ""}/${c.metadata.name ?? ""}`)));
    for (const cache of caches) {
      const reading = await readCache(
        prometheusUrl,
        cache.metadata.namespace ?? "",
        cachePods(cache, view),
        this.options.timeoutMs ?? 5000,
        now,
      );
      if (reading.error) log.warn("cache metrics not read", { cache: cache.metadata.name, error: reading.error });
      readings.set(`${cache.metadata.namespace ?? ""}/${cache.metadata.name ?? ""}`, reading);
    }
  }
}
