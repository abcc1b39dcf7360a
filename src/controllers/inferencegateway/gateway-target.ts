import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { ConfigMap, Service, ServiceAccount } from "kubernetes-types/core/v1.js";
import type { Role, RoleBinding } from "kubernetes-types/rbac/v1.js";
import { stringify } from "yaml";
import type { InferenceGateway } from "../../apis/production-stack.js";
import {
  EPP_CONFIG_DIR,
  EPP_CONFIG_KEY,
  EPP_GRPC_PORT,
  EPP_HEALTH_PORT,
  EPP_IMAGE,
  EPP_METRICS_PORT,
  EPP_RBAC_RULES,
  endpointPickerArgs,
  endpointPickerConfig,
} from "../../gateway-api/endpoint-picker.js";
import { MODEL_HEADER, type HTTPRoute, type HTTPRouteRule } from "../../gateway-api/http-route.js";
import type { InferencePool } from "../../gateway-api/inference-pool.js";
import type { KubeObject } from "../../kube/object.js";
import { controllerReference } from "../../kube/owner.js";
import { instanceLabel, pickerName, poolName } from "../../routing/gateway-names.js";
import { pickerPolicy } from "../../routing/policy.js";
import type { ResolvedRoute } from "./routes.js";

type Obj<T> = T & KubeObject;

/** HTTPRoute v1 allows at most 16 rules (gateway.networking.k8s.io_httproutes.yaml). */
export const MAX_HTTPROUTE_RULES = 16;

/** A route the Inference Extension can carry: its Service selects pods and its target port is known. */
export interface PoolRoute {
  model: string;
  serviceName: string;
  pool: string;
  selector: Record<string, string>;
  targetPort: number;
}

export function poolRoutes(gw: InferenceGateway, routes: readonly ResolvedRoute[]): PoolRoute[] {
  return routes.flatMap((r) => {
    const selector = r.backend?.service?.spec?.selector;
    const targetPort = r.backend?.targetPort;
    if (!selector || Object.keys(selector).length === 0 || targetPort === undefined) return [];
    return [
      {
        model: r.model,
        serviceName: r.serviceName,
        pool: poolName(gw.metadata.name ?? "", r.serviceName),
        selector,
        targetPort,
      },
    ];
  });
}

function meta(gw: InferenceGateway, name: string, component: string): NonNullable<KubeObject["metadata"]> {
  return {
    name,
    namespace: gw.metadata.namespace ?? "",
    labels: {
      "app.kubernetes.io/name": component,
      "app.kubernetes.io/instance": instanceLabel(gw.metadata.name ?? ""),
      "app.kubernetes.io/part-of": "inferplane",
    },
    ownerReferences: [controllerReference(gw)],
  };
}

function pickerDeployment(gw: InferenceGateway, pool: string, name: string): Obj<Deployment> {
  const selector = { "inferplane.io/endpoint-picker": name };
  const grpc = (service: string): object => ({ grpc: { port: EPP_HEALTH_PORT, service } });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(gw, name, "endpoint-picker"),
    spec: {
      replicas: 1,
      // The project's chart: one active picker (its prefix-cache state), replaced at once.
      strategy: { type: "Recreate" },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: { ...selector, "app.kubernetes.io/name": "endpoint-picker" } },
        spec: {
          serviceAccountName: name,
          terminationGracePeriodSeconds: 130,
          containers: [
            {
              name: "epp",
              image: gw.spec.endpointPicker?.image ?? EPP_IMAGE,
              args: endpointPickerArgs(pool, gw.metadata.namespace ?? ""),
              ports: [
                { name: "grpc", containerPort: EPP_GRPC_PORT },
                { name: "grpc-health", containerPort: EPP_HEALTH_PORT },
                { name: "metrics", containerPort: EPP_METRICS_PORT },
              ],
              livenessProbe: { ...grpc("inference-extension"), initialDelaySeconds: 5, periodSeconds: 10 },
              readinessProbe: { ...grpc("inference-extension"), periodSeconds: 2 },
              env: [
                { name: "NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
              ],
              volumeMounts: [{ name: "plugins-config", mountPath: EPP_CONFIG_DIR }],
              ...(gw.spec.endpointPicker?.resources ? { resources: gw.spec.endpointPicker.resources } : {}),
            },
          ],
          volumes: [{ name: "plugins-config", configMap: { name } }],
        },
      },
    },
  };
}

/** One pool's InferencePool and its Endpoint Picker: config, Deployment, Service, ServiceAccount, Role, RoleBinding. */
function poolChildren(gw: InferenceGateway, route: PoolRoute): KubeObject[] {
  const name = pickerName(route.pool);
  const ns = gw.metadata.namespace ?? "";
  const pool: Obj<InferencePool> = {
    apiVersion: "inference.networking.k8s.io/v1",
    kind: "InferencePool",
    metadata: meta(gw, route.pool, "inference-pool"),
    spec: {
      selector: { matchLabels: route.selector },
      targetPorts: [{ number: route.targetPort }],
      endpointPickerRef: {
        name,
        port: { number: EPP_GRPC_PORT },
        failureMode: gw.spec.endpointPicker?.failureMode ?? "FailOpen",
      },
    },
  };
  const config: Obj<ConfigMap> = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta(gw, name, "endpoint-picker"),
    data: { [EPP_CONFIG_KEY]: stringify(endpointPickerConfig(pickerPolicy(gw.spec).scorers)) },
  };
  const service: Obj<Service> = {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(gw, name, "endpoint-picker"),
    spec: {
      type: "ClusterIP",
      selector: { "inferplane.io/endpoint-picker": name },
      ports: [
        { name: "grpc-ext-proc", port: EPP_GRPC_PORT, protocol: "TCP" },
        { name: "http-metrics", port: EPP_METRICS_PORT, protocol: "TCP" },
      ],
    },
  };
  const sa: Obj<ServiceAccount> = {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: meta(gw, name, "endpoint-picker"),
  };
  const role: Obj<Role> = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: meta(gw, name, "endpoint-picker"),
    rules: EPP_RBAC_RULES.map((r) => ({
      ...r,
      apiGroups: [...r.apiGroups],
      resources: [...r.resources],
      verbs: [...r.verbs],
    })),
  };
  const binding: Obj<RoleBinding> = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: meta(gw, name, "endpoint-picker"),
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
    subjects: [{ kind: "ServiceAccount", name, namespace: ns }],
  };
  return [pool, config, pickerDeployment(gw, route.pool, name), service, sa, role, binding];
}

/** One rule per model: requests whose X-Gateway-Model-Name (set by the Gateway's body-based router) names it go to its pool. */
function routeRules(routes: readonly PoolRoute[]): HTTPRouteRule[] {
  return routes.slice(0, MAX_HTTPROUTE_RULES).map((r) => ({
    matches: [
      { path: { type: "PathPrefix", value: "/" }, headers: [{ type: "Exact", name: MODEL_HEADER, value: r.model }] },
    ],
    backendRefs: [{ group: "inference.networking.k8s.io", kind: "InferencePool", name: r.pool }],
  }));
}

/**
 * Target gateway-api (DESIGN.md §13): an InferencePool and Endpoint Picker per routed
 * InferenceService, and one HTTPRoute under spec.gateway matching each route's model. Nothing
 * without spec.gateway or a route the extension can carry. Pure.
 */
export function gatewayChildren(gw: InferenceGateway, routes: readonly ResolvedRoute[]): KubeObject[] {
  const parent = gw.spec.gateway;
  const pools = poolRoutes(gw, routes);
  if (!parent || pools.length === 0) return [];
  const unique = [...new Map(pools.map((p) => [p.pool, p])).values()];
  const httpRoute: Obj<HTTPRoute> = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: meta(gw, gw.metadata.name ?? "", "inference-gateway"),
    spec: {
      parentRefs: [
        {
          group: "gateway.networking.k8s.io",
          kind: "Gateway",
          name: parent.name,
          ...(parent.namespace ? { namespace: parent.namespace } : {}),
          ...(parent.sectionName ? { sectionName: parent.sectionName } : {}),
        },
      ],
      rules: routeRules(pools),
    },
  };
  return [...unique.flatMap((p) => poolChildren(gw, p)), httpRoute];
}
