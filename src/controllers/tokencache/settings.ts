/** How the TokenCache controller runs Redis, set by the chart (`tokenCache.redisImage` → `serve --redis-image`). */
export interface TokenCacheSettings {
  /**
   * A redis:7-compatible image with `sh`, `redis-server` and `redis-cli` whose `redis` user is
   * uid 999. Default `redis:7.2-bookworm` (Debian, the last BSD-licensed Redis line).
   */
  redisImage: string;
}

export const DEFAULT_TOKEN_CACHE_SETTINGS: TokenCacheSettings = { redisImage: "redis:7.2-bookworm" };
