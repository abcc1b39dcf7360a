/**
 * The Inference Extension's Endpoint Picker (EPP), v1.5.0 (kubernetes-sigs/gateway-api-inference-extension:
 * cmd/epp, pkg/epp/server/options.go, pkg/epp/config/loader, config/charts/epplib): its image, flags,
 * ports and the EndpointPickerConfig file it reads with --config-file.
 */

export const EPP_IMAGE = "registry.k8s.io/gateway-api-inference-extension/epp:v1.5.0";
/** ext-proc gRPC (the Gateway calls it), gRPC health, Prometheus metrics. */
export const EPP_GRPC_PORT = 9002;
export const EPP_HEALTH_PORT = 9003;
export const EPP_METRICS_PORT = 9090;
export const EPP_CONFIG_DIR = "/config";
export const EPP_CONFIG_KEY = "plugins.yaml";

/** The scorer plugin types (pkg/epp/framework/plugins/scheduling/scorer, v1.5.0). */
export const QUEUE_SCORER = "queue-scorer";
export const KV_CACHE_SCORER = "kv-cache-utilization-scorer";
export const PREFIX_CACHE_SCORER = "prefix-cache-scorer";

export interface ScorerWeight {
  type: typeof QUEUE_SCORER | typeof KV_CACHE_SCORER | typeof PREFIX_CACHE_SCORER;
  weight: number;
}

/**
 * An EndpointPickerConfig (apix/config/v1alpha1, decoded strictly: unknown keys are errors) with
 * one scheduling profile of these scorers. The loader adds what is left out (the max-score
 * picker, the single-profile handler, the metrics data source and extractor).
 */
export function endpointPickerConfig(scorers: readonly ScorerWeight[]): object {
  return {
    apiVersion: "inference.networking.x-k8s.io/v1alpha1",
    kind: "EndpointPickerConfig",
    plugins: scorers.map((s) => ({ type: s.type })),
    schedulingProfiles: [{ name: "default", plugins: scorers.map((s) => ({ pluginRef: s.type, weight: s.weight })) }],
  };
}

/**
 * The picker's arguments: the pool it serves, its config file, JSON logs; tracing and the
 * metrics endpoint's TokenReview auth off, as the project's chart does without an OTel collector
 * or Prometheus auth (both default on in the binary).
 */
export function endpointPickerArgs(pool: string, namespace: string): string[] {
  return [
    "--pool-name",
    pool,
    "--pool-namespace",
    namespace,
    "--pool-group",
    "inference.networking.k8s.io",
    "--zap-encoder",
    "json",
    "--config-file",
    `${EPP_CONFIG_DIR}/${EPP_CONFIG_KEY}`,
    "--tracing=false",
    "--metrics-endpoint-auth=false",
  ];
}

/** What the picker reads (config/charts/inferencepool/templates/rbac.yaml and epplib/_rbac.yaml, v1.5.0). */
export const EPP_RBAC_RULES = [
  { apiGroups: [""], resources: ["pods"], verbs: ["get", "watch", "list"] },
  { apiGroups: ["inference.networking.k8s.io"], resources: ["inferencepools"], verbs: ["get", "watch", "list"] },
  {
    apiGroups: ["inference.networking.x-k8s.io"],
    resources: ["inferenceobjectives", "inferencemodelrewrites"],
    verbs: ["get", "watch", "list"],
  },
];
