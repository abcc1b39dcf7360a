/**
 * Facts about the vLLM production-stack router process (vllm-project/production-stack: docker/Dockerfile,
 * src/vllm_router/parsers/parser.py, src/vllm_router/app.py, helm/templates/deployment-router.yaml).
 */

/** The image the production-stack Helm chart runs (helm/values.yaml routerSpec); its entrypoint is vllm-router. */
export const ROUTER_IMAGE = "lmcache/lmstack-router:latest";

/** The file name under the mounted ConfigMap directory (DESIGN.md §13; the seed's key). */
export const STATIC_CONFIG_KEY = "static_config.json";

/** Where the router container mounts its ConfigMap, as a directory (never subPath: the kubelet would not update it). */
export const CONFIG_DIR = "/etc/vllm-router";

/** The router's own default listen port is 8001; the Helm chart's containerPort is 8000, as is ours. */
export const ROUTER_PORT = 8000;

/** The router's --lmcache-controller-port default (parser.py). */
export const LMCACHE_CONTROLLER_PORT = 9000;

/** `GET /health`: 200 with `{status, dynamic_config}` once the watcher has a config, 503 when discovery is down. */
export const ROUTER_HEALTH_PATH = "/health";

/** The router's semantic cache: `--feature-gates SemanticCache=true` (experimental/feature_gates.py). */
export const SEMANTIC_CACHE_GATE = "SemanticCache=true";

export interface RouterArgsInput {
  port: number;
  /** Absolute path of the dynamic-config file. */
  configFile: string;
  /** Set only for kvaware. */
  lmcacheControllerPort?: number;
  /** Similarity from which a cached answer is returned (--semantic-cache-threshold; the router's default 0.95). */
  semanticCacheThreshold?: number;
}

/**
 * The router's arguments. Service discovery, routing logic and session key come from the
 * dynamic-config file (the router loads it as its flags' defaults at start: parser.py
 * load_initial_config_from_config_file_if_required), so they are not repeated here.
 */
export function routerArgs(input: RouterArgsInput): string[] {
  const args = ["--host", "0.0.0.0", "--port", String(input.port), "--dynamic-config-json", input.configFile];
  if (input.lmcacheControllerPort !== undefined)
    args.push("--lmcache-controller-port", String(input.lmcacheControllerPort));
  if (input.semanticCacheThreshold !== undefined)
    args.push(
      "--feature-gates",
      SEMANTIC_CACHE_GATE,
      "--semantic-cache-threshold",
      String(input.semanticCacheThreshold),
    );
  return args;
}
