import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import { defineKind } from "../kube/kind.js";

/**
 * Gateway API HTTPRoute, `gateway.networking.k8s.io/v1` (kubernetes-sigs/gateway-api,
 * config/crd/standard/gateway.networking.k8s.io_httproutes.yaml): the fields inferplane sets.
 */
export interface HTTPRoute {
  apiVersion: "gateway.networking.k8s.io/v1";
  kind: "HTTPRoute";
  metadata: ObjectMeta;
  spec: {
    parentRefs: { group?: string; kind?: string; name: string; namespace?: string; sectionName?: string }[];
    rules: HTTPRouteRule[];
  };
  status?: { parents?: { parentRef: { name: string }; conditions?: { type: string; status: string }[] }[] };
}

export interface HTTPRouteRule {
  matches?: {
    path?: { type: "PathPrefix" | "Exact"; value: string };
    headers?: { type: "Exact"; name: string; value: string }[];
  }[];
  backendRefs?: { group: string; kind: string; name: string; port?: number }[];
}

export const HTTPRouteKind = defineKind<HTTPRoute>({
  group: "gateway.networking.k8s.io",
  version: "v1",
  kind: "HTTPRoute",
  plural: "httproutes",
  namespaced: true,
});

/**
 * The header the Inference Extension's body-based router sets from the request body's `model`
 * (pkg/bbr/plugins/bodyfieldtoheader, v1.5.0): routes match models by it.
 */
export const MODEL_HEADER = "X-Gateway-Model-Name";
