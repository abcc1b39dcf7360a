import type { CacheTier, TokenCache } from "../../apis/inference-ai.js";
import { redisConf, type Directive } from "../../redis/conf.js";
import { REDIS_PORT } from "../../tokencache/naming.js";
import type { RedisTierPlan } from "../../tokencache/redis-tier.js";

/** Where the generated redis.conf is mounted in the server's container. */
export const REDIS_CONFIG_PATH = "/etc/redis/redis.conf";
/** The server's data directory and working directory (redis.conf's `dir` is `./`, its default). */
export const REDIS_DATA_PATH = "/data";

/**
 * The server's entrypoint (POSIX sh, run as `sh -c START name [extra redis-server args]`): the
 * generated config, then the password from the Secret (requirepass for clients, masterauth for a
 * replica's link) and, on every pod but ordinal 0, `replicaof` the primary. redis-server applies
 * command-line options after the file and quotes them itself, so a password never has to be
 * escaped into a config line. Env: REDIS_CONFIG, PRIMARY_HOST, PRIMARY_PORT, REDIS_PASSWORD
 * (optional), HOSTNAME (the pod's name, `<sts>-<ordinal>`).
 */
export const REDIS_START_SCRIPT = [
  "set -eu",
  'set -- "$REDIS_CONFIG" "$@"',
  'if [ -n "${REDIS_PASSWORD:-}" ]; then set -- "$@" --requirepass "$REDIS_PASSWORD" --masterauth "$REDIS_PASSWORD"; fi',
  'if [ "${HOSTNAME##*-}" != 0 ]; then set -- "$@" --replicaof "$PRIMARY_HOST" "$PRIMARY_PORT"; fi',
  'exec redis-server "$@"',
].join("\n");

/**
 * The probes' check: PING answered PONG. redis-cli takes the password from REDISCLI_AUTH; a
 * server loading its AOF answers LOADING, one without the password NOAUTH, and both fail it.
 * Env: REDIS_PORT (default 6379).
 */
export const REDIS_PING_SCRIPT = 'redis-cli -h 127.0.0.1 -p "${REDIS_PORT:-6379}" ping | grep -q PONG';

/**
 * The tier's redis.conf: listen on every address (no protected mode: the cluster network and
 * the optional password guard it), maxmemory in bytes from the tier's size and the mapped
 * eviction policy (lazily freed: LMCache's chunks are megabytes), no RDB snapshots, AOF only
 * with persistence, and replicas loading the primary's data from the socket into an empty set.
 */
export function redisConfig(cache: TokenCache, tier: CacheTier, plan: RedisTierPlan, namespace: string): string {
  const directives: Directive[] = [
    ["port", REDIS_PORT],
    ["bind", "*", "-::*"],
    ["protected-mode", "no"],
    ["maxmemory", plan.maxmemoryBytes ?? 0],
    ["maxmemory-policy", plan.policy],
    ["lazyfree-lazy-eviction", "yes"],
    ["save", ""],
    ["appendonly", plan.persistence ? "yes" : "no"],
    ...(plan.persistence ? [["appendfsync", "everysec"] as const] : []),
    ["repl-diskless-load", "on-empty-db"],
  ];
  return redisConf(
    [
      `Tier ${tier.name} of TokenCache ${namespace}/${cache.metadata.name ?? ""}, written by inferplane (edits are replaced).`,
      `maxmemory is the tier's size, ${String(tier.size ?? "")}, in bytes (Redis' own 1g is 10^9 bytes, 1gb 2^30).`,
    ],
    directives,
  );
}
