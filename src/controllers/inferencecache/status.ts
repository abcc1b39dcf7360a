import {
  PrefillDecodingDisaggregationKind,
  SpeculativeDecodingKind,
  type InferenceCache,
  type InferenceCacheStatus,
} from "../../apis/production-stack.js";
import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import type { KindRef } from "../../kube/kind.js";
import { condition } from "../runtime/conditions.js";
import type { Verdict } from "../../routing/nlp-filters.js";
import type { CacheReading } from "./readings.js";

function metricsVerdict(reading: CacheReading | undefined, reading_on: boolean): Verdict {
  if (!reading_on)
    return ["Unknown", "NoPrometheus", "inferplane runs without --prometheus-url; it cannot read vLLM's cache metrics"];
  if (!reading) return ["Unknown", "NotReadYet", "Prometheus not read yet"];
  if (reading.error) return ["False", "QueryFailed", reading.error];
  if (reading.pods.length === 0)
    return ["Unknown", "NoPods", "no pod names this cache (annotation production-stack.vllm.ai/inference-cache)"];
  if (reading.hitRate === undefined && reading.kvCacheUsage === undefined)
    return ["False", "NoSeries", `Prometheus has no vLLM cache metrics for pods ${reading.pods.join(", ")}`];
  return ["True", "Read", `read for ${reading.pods.length} pods`];
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

type Refs = [string, string | undefined, KindRef][];

function thresholdVerdicts(
  cache: InferenceCache,
  hit: number | undefined,
  usage: number | undefined,
): [string, Verdict][] {
  const policy = cache.spec.kvCacheTransferPolicy;
  const verdicts: [string, Verdict][] = [];
  const hitThreshold = policy?.thresholdHitRate;
  if (hitThreshold !== undefined && hit !== undefined)
    verdicts.push([
      "HitRateAboveThreshold",
      hit >= hitThreshold
        ? ["True", "AboveThreshold", `hit rate ${pct(hit)} ≥ ${pct(hitThreshold)}: KV-cache transfer pays off`]
        : ["False", "BelowThreshold", `hit rate ${pct(hit)} < ${pct(hitThreshold)}`],
    ]);
  const evict = policy?.evictionThreshold;
  if (evict !== undefined && usage !== undefined)
    verdicts.push([
      "EvictionPressure",
      usage >= evict
        ? ["True", "AboveEvictionThreshold", `KV-cache usage ${pct(usage)} ≥ ${pct(evict)}: blocks are evicted`]
        : ["False", "BelowEvictionThreshold", `KV-cache usage ${pct(usage)} < ${pct(evict)}`],
    ]);
  return verdicts;
}

/** Whether each named object exists, as conditions (none for a name not given). */
export function refVerdicts(ns: string, refs: Refs, view: ClusterReader): [string, Verdict][] {
  return refs.flatMap(([type, name, kind]): [string, Verdict][] => {
    if (!name) return [];
    const found = view.get(kind, ns, name) !== undefined;
    return [
      [
        type,
        found
          ? ["True", "Found", `${kind.kind} ${name} exists`]
          : ["False", "NotFound", `${kind.kind} ${ns}/${name} does not exist; create it or fix the name`],
      ],
    ];
  });
}

/**
 * The InferenceCache's status (seed 001: "monitor cache performance"): the hit rate and KV-cache
 * usage its pods report, compared with kvCacheTransferPolicy.thresholdHitRate and
 * evictionThreshold, and whether its PDD and SD exist. Pure.
 */
export function cacheStatus(
  cache: InferenceCache,
  view: ClusterReader,
  reading: CacheReading | undefined,
  readingOn: boolean,
  now: string,
): InferenceCacheStatus {
  const ns = cache.metadata.namespace ?? "";
  const hit = reading?.hitRate;
  const usage = reading?.kvCacheUsage;
  const verdicts: [string, Verdict][] = [
    ["MetricsAvailable", metricsVerdict(reading, readingOn)],
    ...thresholdVerdicts(cache, hit, usage),
    ...refVerdicts(
      ns,
      [
        ["PDDResolved", cache.spec.pddRef, PrefillDecodingDisaggregationKind],
        ["SDResolved", cache.spec.sdRef, SpeculativeDecodingKind],
      ],
      view,
    ),
  ];
  const generation = cache.metadata.generation;
  return {
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    ...(reading ? { pods: reading.pods.length, lastSampleTime: reading.at } : {}),
    ...(hit !== undefined ? { observedHitRate: hit } : {}),
    ...(usage !== undefined ? { kvCacheUsage: usage } : {}),
    conditions: verdicts.map(([type, [s, reason, message]]) =>
      condition(type, s, reason, message, cache.status?.conditions, now, generation),
    ),
  };
}
