import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { ConfigMap, Container, Service, ServiceAccount } from "kubernetes-types/core/v1.js";
import type { Role, RoleBinding } from "kubernetes-types/rbac/v1.js";
import type { InferenceGateway } from "../../apis/production-stack.js";
import type { KubeObject } from "../../kube/object.js";
import {
  ANNOTATION_ROUTING_RESTART,
  dynamicConfigJson,
  restartHash,
  type DynamicRouterConfig,
} from "../../vllm-router/dynamic-config.js";
import {
  CONFIG_DIR,
  LMCACHE_CONTROLLER_PORT,
  ROUTER_HEALTH_PATH,
  ROUTER_IMAGE,
  ROUTER_PORT,
  STATIC_CONFIG_KEY,
  routerArgs,
} from "../../vllm-router/router.js";
import { serviceHost } from "../../vllm-router/url.js";
import { controllerReference } from "../../kube/owner.js";
import { instanceLabel, routerName } from "../../routing/gateway-names.js";
import { routerPolicy } from "../../routing/policy.js";
import { routable, servedModel, type ResolvedRoute } from "./routes.js";

type Obj<T> = T & KubeObject;

export function routerPort(gw: InferenceGateway): number {
  return gw.spec.router?.port ?? ROUTER_PORT;
}

/** http://<gw>-router.<ns>.svc.cluster.local:<port>: status.address of a router gateway. */
export function routerAddress(gw: InferenceGateway): string {
  return `http://${serviceHost(routerName(gw.metadata.name ?? ""), gw.metadata.namespace ?? "")}:${routerPort(gw)}`;
}

function labels(gw: InferenceGateway): Record<string, string> {
  return {
    "app.kubernetes.io/name": "vllm-router",
    "app.kubernetes.io/instance": instanceLabel(gw.metadata.name ?? ""),
    "app.kubernetes.io/part-of": "inferplane",
  };
}

function meta(gw: InferenceGateway, name: string): NonNullable<KubeObject["metadata"]> {
  return {
    name,
    namespace: gw.metadata.namespace ?? "",
    labels: labels(gw),
    ownerReferences: [controllerReference(gw)],
  };
}

/**
 * The router's dynamic config: static discovery over each routable route (backend URL, the model
 * its engine serves, an alias when clients ask for another name), or k8s discovery as the spec
 * says; routing logic and session key from routerPolicy. Undefined when static discovery has no
 * backend yet: the router refuses an empty list, so it is not started until one resolves.
 */
export function routerConfig(gw: InferenceGateway, routes: readonly ResolvedRoute[]): DynamicRouterConfig | undefined {
  const policy = routerPolicy(gw.spec);
  const logic = { routing_logic: policy.logic, ...(policy.sessionKey ? { session_key: policy.sessionKey } : {}) };
  const router = gw.spec.router;
  if (router?.serviceDiscovery === "k8s")
    return {
      service_discovery: "k8s",
      ...logic,
      k8s_namespace: gw.metadata.namespace ?? "",
      k8s_port: router.k8sPort ?? ROUTER_PORT,
      ...(router.k8sLabelSelector ? { k8s_label_selector: router.k8sLabelSelector } : {}),
    };
  const usable = routable(routes);
  if (usable.length === 0) return undefined;
  const aliases = usable.filter((r) => servedModel(r) !== r.model).map((r) => `${r.model}:${servedModel(r)}`);
  return {
    service_discovery: "static",
    ...logic,
    static_backends: usable.map((r) => r.backend.url).join(","),
    static_models: usable.map(servedModel).join(","),
    ...(aliases.length > 0 ? { static_aliases: [...new Set(aliases)].join(",") } : {}),
  };
}

/** The semantic cache threshold the router gets: the strictest any routed service asks for. */
export function semanticCacheThreshold(routes: readonly ResolvedRoute[]): number | undefined {
  const asked = routes.flatMap((r) => {
    const t = r.service?.spec.nlpFilters?.semanticCache?.threshold;
    return r.service?.spec.nlpFilters?.semanticCache ? [t ?? 0.95] : [];
  });
  return asked.length > 0 ? Math.max(...asked) : undefined;
}

function routerContainer(gw: InferenceGateway, routes: readonly ResolvedRoute[], kvaware: boolean): Container {
  const port = routerPort(gw);
  const lmcachePort = gw.spec.router?.lmcacheControllerPort ?? LMCACHE_CONTROLLER_PORT;
  const threshold = semanticCacheThreshold(routes);
  const probe = { httpGet: { path: ROUTER_HEALTH_PATH, port: "http" }, periodSeconds: 5, failureThreshold: 3 };
  return {
    name: "router",
    image: gw.spec.router?.image ?? ROUTER_IMAGE,
    args: routerArgs({
      port,
      configFile: `${CONFIG_DIR}/${STATIC_CONFIG_KEY}`,
      ...(kvaware ? { lmcacheControllerPort: lmcachePort } : {}),
      ...(threshold !== undefined ? { semanticCacheThreshold: threshold } : {}),
    }),
    // The Helm chart's value: the same hash seed in every router replica.
    env: [{ name: "PYTHONHASHSEED", value: "123" }],
    ports: [
      { name: "http", containerPort: port, protocol: "TCP" },
      ...(kvaware ? [{ name: "lmcache", containerPort: lmcachePort, protocol: "TCP" }] : []),
    ],
    readinessProbe: { ...probe, initialDelaySeconds: 5 },
    livenessProbe: { ...probe, initialDelaySeconds: 30 },
    volumeMounts: [{ name: "dynamic-config", mountPath: CONFIG_DIR, readOnly: true }],
    ...(gw.spec.router?.resources ? { resources: gw.spec.router.resources } : {}),
  };
}

function routerDeployment(
  gw: InferenceGateway,
  config: DynamicRouterConfig,
  routes: readonly ResolvedRoute[],
): Obj<Deployment> {
  const name = routerName(gw.metadata.name ?? "");
  const restart = restartHash(config);
  const k8s = config.service_discovery === "k8s";
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(gw, name),
    spec: {
      replicas: gw.spec.router?.replicas ?? 1,
      selector: { matchLabels: labels(gw) },
      template: {
        metadata: { labels: labels(gw), annotations: { [ANNOTATION_ROUTING_RESTART]: restart } },
        spec: {
          ...(k8s ? { serviceAccountName: name } : {}),
          containers: [routerContainer(gw, routes, config.routing_logic === "kvaware")],
          // A directory mount (never subPath), so the kubelet updates the file and the router re-reads it.
          volumes: [{ name: "dynamic-config", configMap: { name } }],
        },
      },
    },
  };
}

function discoveryRbac(gw: InferenceGateway, name: string): KubeObject[] {
  const sa: Obj<ServiceAccount> = { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(gw, name) };
  // The router's pod-ip discovery lists and watches pods (production-stack helm/templates/role.yaml);
  // its sleep-mode labels (pods patch) are not granted.
  const role: Obj<Role> = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: meta(gw, name),
    rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }],
  };
  const binding: Obj<RoleBinding> = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: meta(gw, name),
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
    subjects: [{ kind: "ServiceAccount", name, namespace: gw.metadata.namespace ?? "" }],
  };
  return [sa, role, binding];
}

/**
 * Target router (DESIGN.md §13): the vLLM production-stack router's ConfigMap (static_config.json),
 * Deployment (rolled when its routing logic or session key changes) and Service, plus its discovery
 * RBAC with serviceDiscovery k8s. Nothing while no route has a backend Service yet. Pure.
 */
export function routerChildren(gw: InferenceGateway, routes: readonly ResolvedRoute[]): KubeObject[] {
  const config = routerConfig(gw, routes);
  if (!config) return [];
  const name = routerName(gw.metadata.name ?? "");
  const configMap: Obj<ConfigMap> = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta(gw, name),
    data: { [STATIC_CONFIG_KEY]: dynamicConfigJson(config) },
  };
  const service: Obj<Service> = {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(gw, name),
    spec: {
      type: gw.spec.router?.serviceType ?? "ClusterIP",
      selector: labels(gw),
      ports: [{ name: "http", port: routerPort(gw), targetPort: "http", protocol: "TCP" }],
    },
  };
  const rbac = config.service_discovery === "k8s" ? discoveryRbac(gw, name) : [];
  return [configMap, routerDeployment(gw, config, routes), service, ...rbac];
}
