import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import { defineKind } from "../kube/kind.js";

/** Gateway API Gateway, `gateway.networking.k8s.io/v1`: read only, for the address an InferenceGateway reports. */
export interface Gateway {
  apiVersion: "gateway.networking.k8s.io/v1";
  kind: "Gateway";
  metadata: ObjectMeta;
  spec?: { gatewayClassName?: string };
  status?: { addresses?: { type?: string; value: string }[] };
}

export const GatewayKind = defineKind<Gateway>({
  group: "gateway.networking.k8s.io",
  version: "v1",
  kind: "Gateway",
  plural: "gateways",
  namespaced: true,
});
