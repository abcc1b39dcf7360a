import {
  INFERENCE_CACHE,
  InferenceCacheKind,
  PrefillDecodingDisaggregationKind,
  SpeculativeDecodingKind,
  type InferenceCache,
  type InferenceCacheStatus,
} from "../../apis/production-stack.js";
import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import { POD } from "../../kube/core-kinds.js";
import { isKind } from "../../kube/kind.js";
import type { KubeObject } from "../../kube/object.js";
import type { Reconciler } from "../runtime/reconciler.js";
import { CACHE_READINGS, type CacheReadings } from "./readings.js";
import { cacheStatus } from "./status.js";

/** A pod naming a cache, or a PDD/SD change, concerns the caches of its namespace. */
function cachesConcerned(obj: KubeObject, view: ClusterReader): string[] {
  const ns = obj.metadata?.namespace ?? "";
  if (isKind(obj, POD)) {
    const name = obj.metadata?.annotations?.[INFERENCE_CACHE];
    return name ? [`${ns}/${name}`] : [];
  }
  if (!isKind(obj, PrefillDecodingDisaggregationKind) && !isKind(obj, SpeculativeDecodingKind)) return [];
  return view.list(InferenceCacheKind, ns).map((c) => `${ns}/${c.metadata.name ?? ""}`);
}

/** InferenceCache: status only, from Prometheus readings; passes again every 30 s to follow them. */
export function inferenceCacheReconciler(readings: CacheReadings): Reconciler<InferenceCache, InferenceCacheStatus> {
  return {
    name: "inferencecache",
    kind: InferenceCacheKind,
    owns: [],
    mapToPrimaries: cachesConcerned,
    desired: () => ({ children: [], recheckAfterMs: 30_000 }),
    status: (cache, view, now) =>
      cacheStatus(
        cache,
        view,
        readings.get(`${cache.metadata.namespace ?? ""}/${cache.metadata.name ?? ""}`),
        readings.reading,
        now.toISOString(),
      ),
  };
}

export const INFERENCE_CACHE_RECONCILER = inferenceCacheReconciler(CACHE_READINGS);
