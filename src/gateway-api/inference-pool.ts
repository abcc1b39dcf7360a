import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import { defineKind } from "../kube/kind.js";

/**
 * The Gateway API Inference Extension's InferencePool, `inference.networking.k8s.io/v1`
 * (kubernetes-sigs/gateway-api-inference-extension v1.5.0,
 * config/crd/bases/inference.networking.k8s.io_inferencepools.yaml): the model-server pods a Gateway
 * may send to, and the Endpoint Picker that chooses one per request.
 */
export interface InferencePool {
  apiVersion: "inference.networking.k8s.io/v1";
  kind: "InferencePool";
  metadata: ObjectMeta;
  spec: {
    /** Labels of the model-server pods (1–64 pairs), in the pool's namespace. */
    selector: { matchLabels: Record<string, string> };
    /** The pods' serving ports, 1–8. */
    targetPorts: { number: number }[];
    /** http (default) or kubernetes.io/h2c. */
    appProtocol?: "http" | "kubernetes.io/h2c";
    endpointPickerRef: {
      /** A Service (default kind) in the pool's namespace. */
      name: string;
      /** The Service port of the picker's ext-proc gRPC (required for a Service). */
      port: { number: number };
      /** FailOpen (default) or FailClose. */
      failureMode?: "FailOpen" | "FailClose";
    };
  };
}

export const InferencePoolKind = defineKind<InferencePool>({
  group: "inference.networking.k8s.io",
  version: "v1",
  kind: "InferencePool",
  plural: "inferencepools",
  namespaced: true,
});
