import type { CacheTier, TokenCache } from "../apis/inference-ai.js";
import { parseQuantity, QuantityError } from "../kube/quantity.js";
import type { MaxmemoryPolicy } from "../redis/conf.js";
import { externalRedis } from "./naming.js";

/**
 * How a redis tier is run, decided once for the controller, the validating webhook and the
 * status: servers, maxmemory, eviction policy, persistence, password, and what the user should
 * know (a policy Redis does not have, a TTL nobody enforces) or fix (no size).
 */
export interface RedisTierPlan {
  /** A Redis run elsewhere: nothing is created. */
  external?: string;
  /** One primary and servers - 1 replicas. */
  servers: number;
  maxmemoryBytes?: number;
  policy: MaxmemoryPolicy;
  persistence: boolean;
  password?: { name: string; key: string };
  /** Said at admission and in the status: how the tier differs from what it asks. */
  warnings: string[];
  /** Why the tier cannot run; empty when it can. */
  problems: string[];
}

/**
 * maxmemory-policy for TokenCache's evictionPolicy: lru → allkeys-lru, lfu → allkeys-lfu, fifo
 * (Redis has none) → allkeys-lru, unset → allkeys-lru. Never volatile-* nor noeviction: LMCache
 * writes with a plain SET and no TTL, so those evict nothing and writes fail at maxmemory.
 */
export function evictionPolicy(policy: TokenCache["spec"]["evictionPolicy"]): {
  policy: MaxmemoryPolicy;
  warning?: string;
} {
  if (policy === "lfu") return { policy: "allkeys-lfu" };
  if (policy === "fifo")
    return {
      policy: "allkeys-lru",
      warning: "evictionPolicy fifo: Redis has no FIFO eviction; allkeys-lru evicts the entry unused longest",
    };
  return { policy: "allkeys-lru" };
}

/** Bytes of a Kubernetes quantity (`16Gi` → 17179869184; a fraction of a byte rounds down), or undefined when it is not one. */
export function quantityBytes(size: string | number): number | undefined {
  try {
    return Math.floor(parseQuantity(size) / 1000);
  } catch (err) {
    if (err instanceof QuantityError) return undefined;
    throw err;
  }
}

function sizeProblem(tier: CacheTier, bytes: number | undefined): string | undefined {
  if (tier.size === undefined) return "a redis tier inferplane runs needs size (each server's maxmemory); set it";
  if (bytes === undefined) return `size "${String(tier.size)}" is not a Kubernetes quantity`;
  if (bytes < 1 << 20) return `size ${String(tier.size)} is under 1Mi: too little for Redis itself`;
  // maxmemory is written in bytes; past 2^53 (8 PiB) the number is no longer exact, and no server holds it.
  return Number.isSafeInteger(bytes)
    ? undefined
    : `size ${String(tier.size)} is 8Pi or more: more than any server holds`;
}

/** The plan of a redis tier (its `redisConfig` and the cache's evictionPolicy). Pure. */
export function redisTierPlan(cache: TokenCache, tier: CacheTier): RedisTierPlan {
  const config = tier.redisConfig ?? {};
  const { policy, warning } = evictionPolicy(cache.spec.evictionPolicy);
  const plan: RedisTierPlan = {
    servers: config.replicas ?? tier.replicas ?? 1,
    policy,
    persistence: config.persistenceEnabled === true,
    warnings: warning ? [warning] : [],
    problems: [],
  };
  if (tier.ttl)
    plan.warnings.push(
      `ttl ${tier.ttl} is not enforced: LMCache writes without a TTL; entries leave by ${policy} eviction`,
    );
  const ref = config.passwordSecretRef;
  if (ref) plan.password = { name: ref.name, key: ref.key ?? "password" };
  const external = externalRedis(tier);
  if (external) return { ...plan, external };
  const bytes = tier.size === undefined ? undefined : quantityBytes(tier.size);
  const problem = sizeProblem(tier, bytes);
  if (problem) plan.problems.push(problem);
  else plan.maxmemoryBytes = bytes;
  return plan;
}
