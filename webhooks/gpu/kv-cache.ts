import type { Container, Pod, PodSpec, Volume } from "kubernetes-types/core/v1.js";
import type { CacheTier, TokenCache } from "../../src/apis/inference-ai.js";
import { quantityValue } from "../../src/kube/quantity.js";
import { parseDecimal } from "../../src/kube/validation.js";
import { ENV_REDIS_PASSWORD, redisUrl } from "../../src/tokencache/naming.js";
import type { EnvValue } from "../enhancers/env.js";
import { engineOf, type GpuAsk } from "./ask.js";
import { flagValue, setManagedEnv } from "./container-edits.js";
import { workersPerPod } from "./engine-flags.js";

const CACHE_VOLUME = "lmcache-local";
const CACHE_PATH = "/var/cache/lmcache";
const WARMUP_CONTAINER = "lmcache-warmup";
const WARMUP_IMAGE = "curlimages/curl:8.11.1";
/**
 * The image's own user, as numbers: it runs as `curl_user` (Alpine `adduser -S`, uid 100, in
 * `addgroup -S curl_group`, gid 101; curl/curl-container create_base_image.sh), and the kubelet
 * refuses `runAsNonRoot` for a user it can only see by name.
 */
const WARMUP_UID = 100;
const WARMUP_GID = 101;
const WARMUP_VOLUME = "lmcache-warmup-prefixes";
const WARMUP_FILE = "/etc/lmcache-warmup/prefixes.txt";
export const LMCACHE_CHUNK_SIZE = "256";

const GIB = 2 ** 30;

/**
 * One worker's share of a tier as LMCache reads it: a plain number of GB that LMCache multiplies by
 * 1024³ (`max_local_cpu_size * 1024**3`, `max_local_disk_size * 1024**3` in its backends), so GiB;
 * each worker process of the engine (one per GPU rank) has its own tier of that size. Rounded down
 * to 0.01, so the workers together never hold more than the tier: 16Gi over 4 workers → "4.0",
 * 100G (10^11 bytes) over 1 → "93.13".
 */
export function perWorkerGb(size: string | number, workers: number): string {
  const hundredths = Math.floor((quantityValue(size) * 100) / GIB / workers);
  return hundredths % 100 === 0 ? (hundredths / 100).toFixed(1) : String(hundredths / 100);
}

function tier(cache: TokenCache, type: CacheTier["type"]): CacheTier | undefined {
  return cache.spec.tiers.find((t) => t.type === type);
}

/** Where the engine mounts a local tier: localConfig.mountPath, else /var/cache/lmcache. */
function localPath(local: CacheTier): string {
  return (local.localConfig?.mountPath ?? CACHE_PATH).replace(/\/+$/, "") || "/";
}

/** LMCache's env for the tiers; a tier's size is the pod's, shared out over its `workers`. */
function lmcacheEnv(cache: TokenCache, namespace: string, workers: number): [string, EnvValue][] {
  const vars: [string, EnvValue][] = [["LMCACHE_CHUNK_SIZE", { value: LMCACHE_CHUNK_SIZE }]];
  const prefix = tier(cache, "prefix");
  vars.push(["LMCACHE_LOCAL_CPU", { value: prefix ? "True" : "False" }]);
  if (prefix?.size !== undefined)
    vars.push(["LMCACHE_MAX_LOCAL_CPU_SIZE", { value: perWorkerGb(prefix.size, workers) }]);
  const local = tier(cache, "local");
  if (local) {
    const path = localPath(local);
    vars.push(["LMCACHE_LOCAL_DISK", { value: `file://${path === "/" ? "" : path}/` }]);
    if (local.size !== undefined)
      vars.push(["LMCACHE_MAX_LOCAL_DISK_SIZE", { value: perWorkerGb(local.size, workers) }]);
  }
  const redis = tier(cache, "redis");
  if (redis) {
    // Sorted before LMCACHE_REMOTE_URL (managed env is sorted by name), so Kubernetes expands $(LMCACHE_REDIS_PASSWORD) in it.
    const ref = redis.redisConfig?.passwordSecretRef;
    if (ref)
      vars.push([ENV_REDIS_PASSWORD, { valueFrom: { secretKeyRef: { name: ref.name, key: ref.key ?? "password" } } }]);
    vars.push(["LMCACHE_REMOTE_URL", { value: redisUrl(cache, redis, namespace) }]);
    vars.push(["LMCACHE_REMOTE_SERDE", { value: "naive" }]);
  }
  return vars;
}

/**
 * The local tier's volume: with localConfig.storageClass a generic ephemeral volume (a claim of
 * size, created and deleted with the pod), else an emptyDir limited to size.
 */
function localVolume(local: CacheTier): Volume {
  const storageClassName = local.localConfig?.storageClass;
  if (!storageClassName || local.size === undefined)
    return { name: CACHE_VOLUME, emptyDir: local.size === undefined ? {} : { sizeLimit: String(local.size) } };
  const spec = {
    accessModes: ["ReadWriteOnce"],
    storageClassName,
    resources: { requests: { storage: String(local.size) } },
  };
  return { name: CACHE_VOLUME, ephemeral: { volumeClaimTemplate: { spec } } };
}

function addLocalVolume(pod: Pod, engine: Container, local: CacheTier): void {
  const spec = pod.spec;
  if (!spec) return;
  const volume = localVolume(local);
  const volumes = (spec.volumes ??= []);
  const at = volumes.findIndex((v) => v.name === CACHE_VOLUME);
  if (at >= 0) volumes[at] = volume;
  else volumes.push(volume);
  const mounts = (engine.volumeMounts ??= []);
  const mount = { name: CACHE_VOLUME, mountPath: localPath(local) };
  const mounted = mounts.findIndex((m) => m.name === CACHE_VOLUME);
  if (mounted >= 0) mounts[mounted] = mount;
  else mounts.push(mount);
}

const DEFAULT_PORTS: Record<GpuAsk["backend"], number> = {
  vllm: 8000,
  sglang: 30000,
  triton: 8000,
  "tensorrt-llm": 8000,
};

/** The name the engine serves its model under: --served-model-name, --model, or vLLM's positional after `serve`. */
function servedModel(engine: Container, backend: GpuAsk["backend"]): string | undefined {
  const named =
    flagValue(engine, "served-model-name", backend) ??
    flagValue(engine, "model", backend) ??
    flagValue(engine, "model-path", backend);
  if (named) return named;
  const words = [...(engine.command ?? []), ...(engine.args ?? [])];
  const serve = words.indexOf("serve");
  const next = serve >= 0 ? words[serve + 1] : undefined;
  return next && !next.startsWith("--") ? next : undefined;
}

/**
 * Shell that waits for the engine, sends each prefix once as a 1-token completion (the
 * commonPrefixes as JSON bodies in env; then each non-blank line of WARMUP_FILE, JSON-escaped here:
 * control characters dropped but tab, backslash and quote escaped), then idles (a native sidecar
 * must not exit). POSIX sh, tr, sed and curl, as curlimages/curl has them.
 */
const WARMUP_SCRIPT = [
  'until curl -sf "http://127.0.0.1:${ENGINE_PORT}${HEALTH_PATH}" >/dev/null; do sleep 2; done',
  'send() { curl -sf -X POST -H "Content-Type: application/json" -d "$1" "http://127.0.0.1:${ENGINE_PORT}/v1/completions" >/dev/null || echo "warmup request $2 failed"; }',
  'i=0; while [ "$i" -lt "$WARMUP_COUNT" ]; do',
  '  eval body=\\"\\$WARMUP_BODY_$i\\"',
  '  send "$body" "$i"',
  "  i=$((i + 1))",
  "done",
  'if [ -n "${WARMUP_FILE:-}" ] && [ -r "$WARMUP_FILE" ]; then',
  "  tab=$(printf '\\t')",
  '  while IFS= read -r line || [ -n "$line" ]; do',
  "    line=$(printf '%s' \"$line\" | tr -d '\\000-\\010\\013-\\037')",
  '    [ -z "$(printf \'%s\' "$line" | tr -d " $tab")" ] && continue',
  "    prompt=$(printf '%s' \"$line\" | sed -e 's/\\\\/\\\\\\\\/g' -e 's/\"/\\\\\"/g' -e \"s/$tab/\\\\\\\\t/g\")",
  '    send "{\\"model\\":$WARMUP_MODEL,\\"prompt\\":\\"$prompt\\",\\"max_tokens\\":1}" "$WARMUP_FILE"',
  '  done < "$WARMUP_FILE"',
  "fi",
  "echo warm; while true; do sleep 3600; done",
].join("\n");

function warmupSidecar(
  ask: GpuAsk,
  engine: Container,
  prefixes: readonly string[],
  model: string,
  fromFile: boolean,
): Container {
  const given = parseDecimal(flagValue(engine, "port", ask.backend) ?? "");
  const port = given !== undefined && given > 0 && given < 65536 ? given : DEFAULT_PORTS[ask.backend];
  const file = fromFile
    ? {
        env: [
          { name: "WARMUP_FILE", value: WARMUP_FILE },
          { name: "WARMUP_MODEL", value: JSON.stringify(model) },
        ],
        volumeMounts: [
          { name: WARMUP_VOLUME, mountPath: WARMUP_FILE.slice(0, WARMUP_FILE.lastIndexOf("/")), readOnly: true },
        ],
      }
    : { env: [] };
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
      ...file.env,
    ],
    ...(file.volumeMounts ? { volumeMounts: file.volumeMounts } : {}),
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } },
    securityContext: {
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      runAsUser: WARMUP_UID,
      runAsGroup: WARMUP_GID,
      capabilities: { drop: ["ALL"] },
    },
  };
}

/** Bytes of a container's memory limit and request (a request defaults to the limit, as the apiserver defaults it). */
function memoryOf(engine: Container): { limit?: number; request?: number } {
  const { limits, requests } = engine.resources ?? {};
  const limit = limits?.memory === undefined ? undefined : quantityValue(limits.memory);
  const request = requests?.memory === undefined ? limit : quantityValue(requests.memory);
  return { limit, request };
}

/**
 * Whether the engine container's memory holds the prefix (CPU) tier, all workers together: a
 * limit below it is an OOM kill waiting to happen (`limit`: the error); a request below it lets
 * the scheduler place the pod where the tier does not fit (`request`: a warning).
 */
export function cpuTierFit(engine: Container, cache: TokenCache): { limit?: string; request?: string } {
  const size = tier(cache, "prefix")?.size;
  if (size === undefined) return {};
  const tierBytes = quantityValue(size);
  const { limit, request } = memoryOf(engine);
  const what = `the ${String(size)} CPU tier of TokenCache ${cache.metadata.name ?? ""}`;
  if (limit !== undefined && limit < tierBytes)
    return { limit: `memory limit ${engine.resources?.limits?.memory ?? ""} cannot hold ${what}` };
  if (request === undefined || request < tierBytes)
    return { request: `container ${engine.name}: memory request below ${what}; the scheduler does not reserve it` };
  return {};
}

/** The ConfigMap of warmup.sourceConfigMapRef as a volume (optional: while it is missing, only commonPrefixes are sent). */
function prefixesVolume(spec: PodSpec, ref: WarmupSource): void {
  const volume: Volume = {
    name: WARMUP_VOLUME,
    configMap: { name: ref.name, items: [{ key: ref.key ?? "prefixes", path: "prefixes.txt" }], optional: true },
  };
  const volumes = (spec.volumes ??= []);
  const at = volumes.findIndex((v) => v.name === WARMUP_VOLUME);
  if (at >= 0) volumes[at] = volume;
  else volumes.push(volume);
}

type WarmupSource = NonNullable<NonNullable<TokenCache["spec"]["warmup"]>["sourceConfigMapRef"]>;

/** What to warm: the common prefixes and the ConfigMap of lines, or nothing when warmup is off or empty. */
function warmupInput(cache: TokenCache): { prefixes: string[]; source?: WarmupSource } | undefined {
  const warmup = cache.spec.warmup;
  if (!warmup?.enabled) return undefined;
  const prefixes = warmup.commonPrefixes ?? [];
  if (prefixes.length === 0 && !warmup.sourceConfigMapRef) return undefined;
  return warmup.sourceConfigMapRef ? { prefixes, source: warmup.sourceConfigMapRef } : { prefixes };
}

/** The warmup sidecar (and the prefixes' ConfigMap volume), or a warning when the engine names no model. */
function addWarmup(spec: PodSpec, ask: GpuAsk, engine: Container, cache: TokenCache): string[] {
  const input = warmupInput(cache);
  if (!input) return [];
  const model = servedModel(engine, ask.backend);
  if (!model)
    return [
      `TokenCache ${cache.metadata.name ?? ""}: warmup skipped: the engine names no model (--model or --served-model-name)`,
    ];
  if (input.source) prefixesVolume(spec, input.source);
  const sidecar = warmupSidecar(ask, engine, input.prefixes, model, input.source !== undefined);
  const init = (spec.initContainers ??= []);
  const at = init.findIndex((c) => c.name === WARMUP_CONTAINER);
  if (at >= 0) init[at] = sidecar;
  else init.push(sidecar);
  return [];
}

/**
 * LMCache on the engine container from a TokenCache: CPU offload sized by the prefix tier, a
 * local disk tier as a volume (the tier's size), a redis tier as the remote backend (the URL and the
 * password the TokenCache controller's Redis has, src/tokencache/naming.ts); with warmup, a native
 * sidecar that primes the cache with the common prefixes and a ConfigMap's lines once the engine is
 * healthy. LMCache's sizes are per worker process, so each worker gets size / workers.
 */
export function applyKvCache(pod: Pod, ask: GpuAsk, namespace: string): string[] {
  const cache = ask.tokenCache;
  if (!cache || !pod.spec) return [];
  const engine = engineOf(pod, ask);
  const warnings = setManagedEnv(engine, lmcacheEnv(cache, namespace, workersPerPod(engine, ask)));
  const local = tier(cache, "local");
  if (local) addLocalVolume(pod, engine, local);
  return [...warnings, ...addWarmup(pod.spec, ask, engine, cache)];
}
