import type { Pod } from "kubernetes-types/core/v1.js";
import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import type { CacheTier, TierStatus, TokenCache, TokenCacheStatus } from "../../apis/inference-ai.js";
import { POD, SECRET, STATEFUL_SET } from "../../kube/core-kinds.js";
import { redisEndpoint, redisName, redisUrl } from "../../tokencache/naming.js";
import { redisTierPlan, type RedisTierPlan } from "../../tokencache/redis-tier.js";
import { condition } from "../runtime/conditions.js";
import { referenceKey, type Lookups } from "../runtime/reconciler.js";

const isReady = (pod: Pod | undefined): boolean =>
  pod?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

function localStatus(tier: CacheTier): TierStatus {
  const storageClass = tier.type === "local" ? tier.localConfig?.storageClass : undefined;
  const message = storageClass
    ? `each engine pod gets an ephemeral volume of ${String(tier.size ?? "")} from StorageClass ${storageClass}`
    : "lives in each engine pod";
  return { name: tier.name, type: tier.type, ready: true, message };
}

/** The tier's password Secret is known to be missing (a pass without a cluster does not know). */
function secretMissing(cache: TokenCache, plan: RedisTierPlan, lookups: Lookups | undefined): string | undefined {
  if (!plan.password) return undefined;
  const ref = { kind: SECRET, namespace: cache.metadata.namespace ?? "", name: plan.password.name };
  return lookups?.get(referenceKey(ref)) === false
    ? `Secret ${plan.password.name} (passwordSecretRef) does not exist: the servers cannot start; create it`
    : undefined;
}

/** A redis tier inferplane runs: ready when its primary is; its servers as the StatefulSet counts them. */
function redisStatus(
  cache: TokenCache,
  tier: CacheTier,
  plan: RedisTierPlan,
  view: ClusterReader,
  lookups: Lookups | undefined,
): TierStatus {
  const namespace = cache.metadata.namespace ?? "";
  const endpoint = redisEndpoint(cache, tier, namespace);
  const status: TierStatus = { name: tier.name, type: tier.type, ready: false, endpoint, replicas: plan.servers };
  if (plan.external) return { ...status, ready: true, message: ["external: not checked", ...plan.warnings].join("; ") };
  if (plan.problems.length > 0) return { ...status, message: [...plan.problems, ...plan.warnings].join("; ") };
  const name = redisName(cache, tier);
  const servers = view.get(STATEFUL_SET, namespace, name);
  const ready = isReady(view.get(POD, namespace, `${name}-0`));
  const readyReplicas = servers?.status?.readyReplicas ?? 0;
  const progress = `${readyReplicas}/${plan.servers} servers ready${ready ? "" : ", the primary is not"}`;
  const missing = secretMissing(cache, plan, lookups);
  return {
    ...status,
    ready,
    maxmemoryBytes: plan.maxmemoryBytes,
    maxmemoryPolicy: plan.policy,
    readyReplicas,
    message: [...(missing ? [missing] : []), progress, ...plan.warnings].join("; "),
  };
}

function tierStatus(cache: TokenCache, tier: CacheTier, view: ClusterReader, lookups: Lookups | undefined): TierStatus {
  return tier.type === "redis"
    ? redisStatus(cache, tier, redisTierPlan(cache, tier), view, lookups)
    : localStatus(tier);
}

function readiness(
  tiers: readonly TierStatus[],
  invalid: readonly TierStatus[],
  noSecret: readonly string[],
): [boolean, string, string] {
  const waiting = tiers.filter((t) => !t.ready);
  if (waiting.length === 0) return [true, "TiersReady", `${tiers.length} tier(s) serve`];
  if (invalid.length > 0) return [false, "InvalidTier", `${invalid[0]?.name ?? ""}: ${invalid[0]?.message ?? ""}`];
  if (noSecret.length > 0) return [false, "SecretMissing", noSecret.join("; ")];
  return [false, "RedisNotReady", waiting.map((t) => `${t.name}: ${t.message ?? ""}`).join("; ")];
}

function degradation(tiers: readonly TierStatus[], invalid: readonly TierStatus[]): [boolean, string, string] {
  if (invalid.length > 0) return [true, "CannotRun", invalid.map((t) => `${t.name}: ${t.message ?? ""}`).join("; ")];
  const short = tiers.filter((t) => t.ready && t.readyReplicas !== undefined && t.readyReplicas < (t.replicas ?? 1));
  if (short.length > 0) return [true, "ReplicasNotReady", short.map((t) => `${t.name}: ${t.message ?? ""}`).join("; ")];
  return [false, "AsAsked", "every tier runs as asked"];
}

/** Per tier: ready, endpoint, memory limit; the URL pods get; Ready and Degraded (`lookups`: whether password Secrets exist). Pure. */
export function tokenCacheStatus(
  cache: TokenCache,
  view: ClusterReader,
  now: Date,
  lookups?: Lookups,
): TokenCacheStatus {
  const tiers = cache.spec.tiers.map((t) => tierStatus(cache, t, view, lookups));
  const cannotRun = new Set(
    cache.spec.tiers
      .filter((t) => t.type === "redis" && redisTierPlan(cache, t).problems.length > 0)
      .map((t) => t.name),
  );
  const invalid = tiers.filter((t) => cannotRun.has(t.name));
  const noSecret = cache.spec.tiers.flatMap((t) => {
    const missing = t.type === "redis" ? secretMissing(cache, redisTierPlan(cache, t), lookups) : undefined;
    return missing ? [`${t.name}: ${missing}`] : [];
  });
  const previous = cache.status?.conditions;
  const at = now.toISOString();
  const generation = cache.metadata.generation;
  const status: TokenCacheStatus = {
    tiers,
    conditions: [
      condition("Ready", ...readiness(tiers, invalid, noSecret), previous, at, generation),
      condition("Degraded", ...degradation(tiers, invalid), previous, at, generation),
    ],
  };
  const redis = cache.spec.tiers.find((t) => t.type === "redis");
  if (redis) status.url = redisUrl(cache, redis, cache.metadata.namespace ?? "");
  if (generation !== undefined) status.observedGeneration = generation;
  return status;
}
