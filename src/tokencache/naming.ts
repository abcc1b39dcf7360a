import { createHash } from "node:crypto";
import type { CacheTier, TokenCache } from "../apis/inference-ai.js";

/**
 * Names and URLs of a TokenCache's redis tiers: the one source the TokenCache controller (which
 * creates the Services) and the admission enhancer (which sets LMCACHE_REMOTE_URL) both read.
 */

export const REDIS_PORT = 6379;

/** Env of the engine pods holding the Redis password (from passwordSecretRef). */
export const ENV_REDIS_PASSWORD = "LMCACHE_REDIS_PASSWORD";

/** A StatefulSet's name leaves room for `-<ordinal>` pods and GPU-less `controller-revision-hash` labels (63). */
const MAX_NAME = 52;

/**
 * The tier's Redis objects (StatefulSet, client Service, ConfigMap): `<cache>-<tier>` as a
 * DNS-1035 label (lower case, `-` for anything else, starting with a letter), shortened past 52
 * characters to 41 and a hash.
 */
export function redisName(cache: TokenCache, tier: CacheTier): string {
  const raw = `${cache.metadata.name ?? ""}-${tier.name}`;
  let name = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(name)) name = `redis-${name}`;
  if (name.length <= MAX_NAME) return name;
  const hash = createHash("sha256").update(raw).digest("hex").slice(0, 10);
  return `${name.slice(0, 41).replace(/-+$/, "")}-${hash}`;
}

/** The headless Service that gives each server a DNS name (`<sts>-0.<headless>.<ns>.svc`). */
export function redisHeadlessName(cache: TokenCache, tier: CacheTier): string {
  return `${redisName(cache, tier)}-headless`;
}

/** The primary server's address, which replicas follow. */
export function redisPrimaryHost(cache: TokenCache, tier: CacheTier, namespace: string): string {
  return `${redisName(cache, tier)}-0.${redisHeadlessName(cache, tier)}.${namespace}.svc`;
}

/** The Redis a redis tier names outside inferplane (externalEndpoint, else the older host), if any. */
export function externalRedis(tier: CacheTier): string | undefined {
  const endpoint = tier.redisConfig?.externalEndpoint;
  if (endpoint) return endpoint.includes("://") ? endpoint : `redis://${endpoint}`;
  return tier.host ? `redis://${tier.host}:${REDIS_PORT}` : undefined;
}

/** Puts the password (as a `$(VAR)` Kubernetes expands in env) into a redis URL that names no user. */
function withPassword(url: string): string {
  const [, scheme, rest = ""] = /^(rediss?|redis-sentinel):\/\/(.*)$/.exec(url) ?? [];
  if (!scheme || (rest.split("/")[0] ?? "").includes("@")) return url;
  return `${scheme}://:$(${ENV_REDIS_PASSWORD})@${rest}`;
}

/** Where a redis tier is, without password: the external Redis as given, else `redis://<name>.<namespace>.svc:6379`. */
export function redisEndpoint(cache: TokenCache, tier: CacheTier, namespace: string): string {
  return externalRedis(tier) ?? `redis://${redisName(cache, tier)}.${namespace}.svc:${REDIS_PORT}`;
}

/**
 * The LMCACHE_REMOTE_URL of a redis tier: its endpoint; with passwordSecretRef the password is
 * `$(LMCACHE_REDIS_PASSWORD)`, which Kubernetes expands from the env defined before it.
 */
export function redisUrl(cache: TokenCache, tier: CacheTier, namespace: string): string {
  const url = redisEndpoint(cache, tier, namespace);
  return tier.redisConfig?.passwordSecretRef ? withPassword(url) : url;
}
