import type { Container, Pod } from "kubernetes-types/core/v1.js";
import type { CacheTier, TokenCache } from "../../src/apis/inference-ai.js";
import { engineOf, gigabytes, type GpuAsk } from "./ask.js";
import { flagValue, setManagedEnv } from "./container-edits.js";

const CACHE_VOLUME = "lmcache-local";
const CACHE_PATH = "/var/cache/lmcache";
const WARMUP_CONTAINER = "lmcache-warmup";
const WARMUP_IMAGE = "curlimages/curl:8.11.1";
export const LMCACHE_CHUNK_SIZE = "256";
const REDIS_PORT = 6379;

/** LMCache reads sizes as plain GB numbers ("16.0"), never "16Gi". */
function gbText(size: string | number): string {
  const gb = gigabytes(size);
  return Number.isInteger(gb) ? gb.toFixed(1) : String(Math.round(gb * 100) / 100);
}

function tier(cache: TokenCache, type: CacheTier["type"]): CacheTier | undefined {
  return cache.spec.tiers.find((t) => t.type === type);
}

/** A redis tier's host: its own, or the Service the cache's controller names `<cache>-<tier>`. */
function redisHost(cache: TokenCache, redis: CacheTier, namespace: string): string {
  return redis.host ?? `${cache.metadata.name ?? ""}-${redis.name}.${namespace}.svc`;
}

function lmcacheEnv(cache: TokenCache, namespace: string): [string, { value: string }][] {
  const vars: [string, { value: string }][] = [["LMCACHE_CHUNK_SIZE", { value: LMCACHE_CHUNK_SIZE }]];
  const prefix = tier(cache, "prefix");
  vars.push(["LMCACHE_LOCAL_CPU", { value: prefix ? "True" : "False" }]);
  if (prefix?.size !== undefined) vars.push(["LMCACHE_MAX_LOCAL_CPU_SIZE", { value: gbText(prefix.size) }]);
  const local = tier(cache, "local");
  if (local) {
    vars.push(["LMCACHE_LOCAL_DISK", { value: `file://${CACHE_PATH}/` }]);
    if (local.size !== undefined) vars.push(["LMCACHE_MAX_LOCAL_DISK_SIZE", { value: gbText(local.size) }]);
  }
  const redis = tier(cache, "redis");
  if (redis) {
    vars.push(["LMCACHE_REMOTE_URL", { value: `redis://${redisHost(cache, redis, namespace)}:${REDIS_PORT}` }]);
    vars.push(["LMCACHE_REMOTE_SERDE", { value: "naive" }]);
  }
  return vars;
}

function addLocalVolume(pod: Pod, engine: Container, local: CacheTier): void {
  const spec = pod.spec;
  if (!spec) return;
  const volume = { name: CACHE_VOLUME, emptyDir: local.size === undefined ? {} : { sizeLimit: String(local.size) } };
  const volumes = (spec.volumes ??= []);
  const at = volumes.findIndex((v) => v.name === CACHE_VOLUME);
  if (at >= 0) volumes[at] = volume;
  else volumes.push(volume);
  const mounts = (engine.volumeMounts ??= []);
  if (!mounts.some((m) => m.name === CACHE_VOLUME)) mounts.push({ name: CACHE_VOLUME, mountPath: CACHE_PATH });
}

const DEFAULT_PORTS: Record<GpuAsk["backend"], number> = {
  vllm: 8000,
  sglang: 30000,
  triton: 8000,
  "tensorrt-llm": 8000,
};

/** The name the engine serves its model under: --served-model-name, --model, or vLLM's positional after `serve`. */
function servedModel(engine: Container): string | undefined {
  const named = flagValue(engine, "served-model-name") ?? flagValue(engine, "model") ?? flagValue(engine, "model-path");
  if (named) return named;
  const words = [...(engine.command ?? []), ...(engine.args ?? [])];
  const serve = words.indexOf("serve");
  const next = serve >= 0 ? words[serve + 1] : undefined;
  return next && !next.startsWith("--") ? next : undefined;
}

/** Shell that waits for the engine, sends each prefix once as a 1-token completion, then idles (a native sidecar must not exit). */
const WARMUP_SCRIPT = [
  'until curl -sf "http://127.0.0.1:${ENGINE_PORT}${HEALTH_PATH}" >/dev/null; do sleep 2; done',
  'i=0; while [ "$i" -lt "$WARMUP_COUNT" ]; do',
  '  eval body=\\"\\$WARMUP_BODY_$i\\"',
  '  curl -sf -X POST -H "Content-Type: application/json" -d "$body" "http://127.0.0.1:${ENGINE_PORT}/v1/completions" >/dev/null || echo "warmup request $i failed"',
  "  i=$((i + 1))",
  "done",
  "echo warm; while true; do sleep 3600; done",
].join("\n");

function warmupSidecar(ask: GpuAsk, engine: Container, prefixes: readonly string[], model: string): Container {
  const given = Number(flagValue(engine, "port"));
  const port = Number.isInteger(given) && given > 0 && given < 65536 ? given : DEFAULT_PORTS[ask.backend];
  return {
    name: WARMUP_CONTAINER,
    image: WARMUP_IMAGE,
    restartPolicy: "Always",
    command: ["sh", "-c", WARMUP_SCRIPT],
    env: [
      { name: "ENGINE_PORT", value: String(port) },
      { name: "HEALTH_PATH", value: ask.backend === "triton" ? "/v2/health/ready" : "/health" },
      { name: "WARMUP_COUNT", value: String(prefixes.length) },
      ...prefixes.map((prompt, i) => ({
        name: `WARMUP_BODY_${i}`,
        value: JSON.stringify({ model, prompt, max_tokens: 1 }),
      })),
    ],
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } },
    securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
  };
}

/**
 * LMCache on the engine container from a TokenCache: CPU offload sized by the prefix tier, a
 * local disk tier as a volume, a redis tier as the remote backend; with warmup, a native
 * sidecar that primes the cache with the common prefixes once the engine is healthy.
 */
export function applyKvCache(pod: Pod, ask: GpuAsk, namespace: string): string[] {
  const cache = ask.tokenCache;
  if (!cache || !pod.spec) return [];
  const engine = engineOf(pod, ask);
  const warnings = setManagedEnv(engine, lmcacheEnv(cache, namespace));
  const local = tier(cache, "local");
  if (local) addLocalVolume(pod, engine, local);
  const prefixes = cache.spec.warmup?.enabled ? (cache.spec.warmup.commonPrefixes ?? []) : [];
  if (prefixes.length === 0) return warnings;
  const model = servedModel(engine);
  if (!model)
    return [
      ...warnings,
      `TokenCache ${cache.metadata.name ?? ""}: warmup skipped: the engine names no model (--model or --served-model-name)`,
    ];
  const init = (pod.spec.initContainers ??= []);
  const sidecar = warmupSidecar(ask, engine, prefixes, model);
  const at = init.findIndex((c) => c.name === WARMUP_CONTAINER);
  if (at >= 0) init[at] = sidecar;
  else init.push(sidecar);
  return warnings;
}
