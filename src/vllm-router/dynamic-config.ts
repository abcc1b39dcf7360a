import { createHash } from "node:crypto";

/**
 * The vLLM production-stack router's dynamic configuration (vllm-project/production-stack,
 * src/vllm_router/dynamic_config.py `DynamicRouterConfig`): a JSON object the router reads at start
 * (as defaults of its flags) and re-reads every 10 s when started with `--dynamic-config-json <file>`.
 * The file is built with `DynamicRouterConfig(**json)`, so a key the dataclass lacks makes the router
 * reject the whole file ("Error loading config file") and keep running what it had.
 */

/** The router's `--routing-logic` choices (src/vllm_router/routers/routing_logic.py `RoutingLogic`). */
export const ROUTING_LOGICS = [
  "roundrobin",
  "session",
  "kvaware",
  "prefixaware",
  "disaggregated_prefill",
  "disaggregated_prefill_orchestrated",
] as const;
export type RoutingLogic = (typeof ROUTING_LOGICS)[number];

/** What `service_discovery` accepts in the dynamic config (DynamicConfigWatcher.reconfigure_service_discovery). */
export type ServiceDiscovery = "static" | "k8s";

/**
 * The keys inferplane writes, each a field of DynamicRouterConfig. Comma-separated lists are parsed
 * by `str.split(",")` with no trimming (utils.parse_comma_separated_args), so they are written
 * without spaces; static_backends and static_models must have the same length (the router asserts it).
 * Left out on purpose: `static_backend_health_checks` (inferplane probes the backends itself),
 * `static_backend_health_check_interval`/`_timeout_seconds` and `callbacks` (added to the router
 * in 2025–2026: an older router image would reject the file for them).
 */
export interface DynamicRouterConfig {
  service_discovery: ServiceDiscovery;
  routing_logic: RoutingLogic;
  static_backends?: string;
  static_models?: string;
  static_aliases?: string;
  static_model_labels?: string;
  static_model_types?: string;
  prefill_model_labels?: string;
  decode_model_labels?: string;
  k8s_namespace?: string;
  k8s_port?: number;
  k8s_label_selector?: string;
  session_key?: string;
}

/** Every key DynamicRouterConfig accepts (production-stack main, 2026-08): the test checks ours are among them. */
export const ROUTER_CONFIG_KEYS: readonly string[] = [
  "service_discovery",
  "routing_logic",
  "static_backends",
  "static_models",
  "static_aliases",
  "static_model_labels",
  "static_model_types",
  "static_backend_health_checks",
  "static_backend_health_check_interval",
  "static_backend_health_check_timeout_seconds",
  "prefill_model_labels",
  "decode_model_labels",
  "k8s_port",
  "k8s_namespace",
  "k8s_label_selector",
  "session_key",
  "callbacks",
];

/** The file's text: keys sorted, so the same config is the same bytes (and the same hash). */
export function dynamicConfigJson(config: DynamicRouterConfig): string {
  const entries = Object.entries(config)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return `${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`;
}

/** What a change of needs the router's pods restarted: the router does not reliably switch these on reload. */
export function restartKey(config: DynamicRouterConfig): string {
  return JSON.stringify([config.routing_logic, config.session_key ?? null]);
}

/**
 * inferplane's pod template annotation on a router: the hash of restartKey, 16 hex digits. Changing
 * it rolls the router's pods, so they start with the new logic read from the file.
 */
export const ANNOTATION_ROUTING_RESTART = "production-stack.vllm.ai/routing-restart";

export function restartHash(config: DynamicRouterConfig): string {
  return createHash("sha256").update(restartKey(config)).digest("hex").slice(0, 16);
}
