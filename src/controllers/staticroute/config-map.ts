import { createHash } from "node:crypto";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import type { StaticRoute } from "../../apis/production-stack.js";
import { controllerReference } from "../../kube/owner.js";
import type { KubeObject } from "../../kube/object.js";
import { STATIC_CONFIG_KEY } from "../../vllm-router/router.js";
import { LABEL_STATIC_ROUTE, staticRouteLabel } from "../../routing/static-route-names.js";

/** sha256 of a config text, 16 hex digits: status.configHash. */
export function configHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** The ConfigMap holding the router's dynamic config under its one key, static_config.json. */
export function routeConfigMap(route: StaticRoute, name: string, json: string): ConfigMap & KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name,
      namespace: route.metadata.namespace ?? "",
      labels: {
        "app.kubernetes.io/part-of": "inferplane",
        [LABEL_STATIC_ROUTE]: staticRouteLabel(route),
      },
      ownerReferences: [controllerReference(route)],
    },
    data: { [STATIC_CONFIG_KEY]: json },
  };
}
