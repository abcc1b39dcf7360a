/** What Prometheus said about the pods that use one InferenceCache. */
export interface CacheReading {
  /** RFC 3339. */
  at: string;
  pods: string[];
  /** Prefix-cache hits / queries over 5 minutes (0–1); undefined without queries. */
  hitRate?: number;
  /** Highest vllm:kv_cache_usage_perc of the pods (0–1). */
  kvCacheUsage?: number;
  /** Why there is no reading (Prometheus unreachable, a query failed). */
  error?: string;
}

/** Readings by InferenceCache (`namespace/name`), written by the metrics reader (the leader's edge), read by status(). */
export class CacheReadings {
  private readonly byCache = new Map<string, CacheReading>();
  /** Whether a reader runs at all (inferplane started with --prometheus-url). */
  reading = false;

  get(key: string): CacheReading | undefined {
    return this.byCache.get(key);
  }

  set(key: string, reading: CacheReading): void {
    this.byCache.set(key, reading);
  }

  retain(keys: ReadonlySet<string>): void {
    for (const key of [...this.byCache.keys()]) if (!keys.has(key)) this.byCache.delete(key);
  }
}

export const CACHE_READINGS = new CacheReadings();
