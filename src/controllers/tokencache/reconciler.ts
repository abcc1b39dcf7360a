import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import { TokenCacheKind, type TokenCache, type TokenCacheStatus } from "../../apis/inference-ai.js";
import { CONFIG_MAP, SECRET, SERVICE, STATEFUL_SET } from "../../kube/core-kinds.js";
import type { KubeObject } from "../../kube/object.js";
import { redisTierPlan } from "../../tokencache/redis-tier.js";
import {
  referenceKey,
  type DesiredState,
  type Lookups,
  type Reconciler,
  type Reference,
} from "../runtime/reconciler.js";
import { redisConfigMap, redisServices, redisStatefulSet } from "./redis-objects.js";
import { DEFAULT_TOKEN_CACHE_SETTINGS, type TokenCacheSettings } from "./settings.js";
import { tokenCacheStatus } from "./status.js";

/**
 * Per redis tier inferplane runs (no externalEndpoint or host, a size): its redis.conf, a
 * StatefulSet of one primary and replicas, a client and a headless Service. Prefix and local
 * tiers live in the engine pods (the admission enhancer), so nothing is created for them.
 */
export function tokenCacheDesired(cache: TokenCache, settings: TokenCacheSettings, lookups?: Lookups): DesiredState {
  const namespace = cache.metadata.namespace ?? "default";
  const children: KubeObject[] = [];
  for (const tier of cache.spec.tiers) {
    if (tier.type !== "redis") continue;
    const plan = redisTierPlan(cache, tier);
    if (plan.external || plan.problems.length > 0) continue;
    children.push(
      redisConfigMap(cache, tier, plan, namespace),
      redisStatefulSet(cache, tier, plan, namespace, settings.redisImage),
      ...redisServices(cache, tier, namespace),
    );
  }
  // A Secret is not watched: while one is missing, look again (its servers wait for it meanwhile).
  const missing = passwordSecrets(cache).some((ref) => lookups?.get(referenceKey(ref)) === false);
  return missing ? { children, recheckAfterMs: SECRET_RECHECK_MS } : { children };
}

const SECRET_RECHECK_MS = 30_000;

/** The password Secrets of the redis tiers inferplane runs: read by name before each pass, never listed. */
export function passwordSecrets(cache: TokenCache): Reference[] {
  const namespace = cache.metadata.namespace ?? "default";
  return cache.spec.tiers.flatMap((tier) => {
    const ref = tier.type === "redis" ? tier.redisConfig?.passwordSecretRef : undefined;
    return ref ? [{ kind: SECRET, namespace, name: ref.name }] : [];
  });
}

/** TokenCache (DESIGN.md §7, §12): Redis servers for its redis tiers, and a status per tier. */
export function tokenCacheReconciler(
  settings: TokenCacheSettings = DEFAULT_TOKEN_CACHE_SETTINGS,
): Reconciler<TokenCache, TokenCacheStatus> {
  return {
    name: "tokencache",
    kind: TokenCacheKind,
    owns: [CONFIG_MAP, STATEFUL_SET, SERVICE],
    references: passwordSecrets,
    desired: (cache, _view, _now, lookups) => tokenCacheDesired(cache, settings, lookups),
    status: (cache: TokenCache, view: ClusterReader, now: Date, lookups?: Lookups) =>
      tokenCacheStatus(cache, view, now, lookups),
  };
}
