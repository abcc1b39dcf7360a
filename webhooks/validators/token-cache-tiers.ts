import type { CacheTier, TokenCache } from "../../src/apis/inference-ai.js";
import { quantityBytes, redisTierPlan } from "../../src/tokencache/redis-tier.js";
import type { Findings } from "./findings.js";

/** A redis tier as the TokenCache controller will run it: its problems refuse, its warnings are said. */
function checkRedis(cache: TokenCache, tier: CacheTier, i: number, f: Findings): void {
  const plan = redisTierPlan(cache, tier);
  // A size that is no quantity is already refused by the size check.
  if (tier.size === undefined || quantityBytes(tier.size) !== undefined)
    f.problems.push(
      ...plan.problems.map((detail) => ({
        path: `spec.tiers[${i}].size`,
        detail,
        fix: "give the redis tier a size of at least 1Mi (each server's maxmemory), e.g. 16Gi",
      })),
    );
  f.warnings.push(...plan.warnings.map((w) => `spec.tiers[${i}]: ${w}`));
  const replicas = tier.redisConfig?.replicas;
  if (replicas !== undefined && tier.replicas !== undefined && replicas !== tier.replicas)
    f.warnings.push(
      `spec.tiers[${i}]: replicas ${tier.replicas} and redisConfig.replicas ${replicas}; the latter wins`,
    );
}

function checkLocal(tier: CacheTier, i: number, f: Findings): void {
  const local = tier.localConfig;
  if (local?.storageClass && tier.size === undefined)
    f.problems.push({
      path: `spec.tiers[${i}].localConfig.storageClass`,
      detail: "the volume claim needs the tier's size",
      fix: "set size",
    });
  if (local?.mountPath !== undefined && !local.mountPath.startsWith("/"))
    f.problems.push({
      path: `spec.tiers[${i}].localConfig.mountPath`,
      detail: `"${local.mountPath}" is not an absolute path`,
      fix: "write a path from /, e.g. /var/cache/lmcache",
    });
}

/**
 * The checks of redisConfig and localConfig (src/tokencache/redis-tier.ts decides how a redis
 * tier runs; the TokenCache controller follows the same plan): a config on the wrong tier type is
 * ignored, with a warning.
 */
export function tierConfigFindings(cache: TokenCache, f: Findings): void {
  cache.spec.tiers.forEach((tier, i) => {
    if (tier.redisConfig && tier.type !== "redis")
      f.warnings.push(`spec.tiers[${i}].redisConfig is ignored: the tier is of type ${tier.type}`);
    if (tier.localConfig && tier.type !== "local")
      f.warnings.push(`spec.tiers[${i}].localConfig is ignored: the tier is of type ${tier.type}`);
    if (tier.type === "redis") checkRedis(cache, tier, i, f);
    if (tier.type === "local") checkLocal(tier, i, f);
  });
}
