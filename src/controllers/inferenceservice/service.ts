import type { Service, ServicePort } from "kubernetes-types/core/v1.js";
import { LABEL_ENTRY } from "../../apis/matrixinfer.js";
import { LABEL_INFERENCE_SERVICE, type InferenceService } from "../../apis/inference-ai.js";
import { ENGINE_PORT, engineFor } from "../../engines/index.js";
import type { KubeObject } from "../../kube/object.js";
import { childMetadata } from "./owner.js";
import { pipelineParallelism } from "../../engines/parallelism.js";

/** `http://<name>.<namespace>.svc.cluster.local:8000`: the Service's cluster DNS name. */
export function serviceUrl(svc: InferenceService): string {
  return `http://${svc.metadata.name ?? ""}.${svc.metadata.namespace ?? "default"}.svc.cluster.local:${ENGINE_PORT}`;
}

/**
 * The Service clients call: port `http` 8000 (Triton also `grpc` 8001 and `metrics` 8002),
 * selecting the serving pods — every pod, or a multi-node replica's entry pods only.
 */
export function service(svc: InferenceService): Service & KubeObject {
  const engine = engineFor(svc.spec.backend);
  const ports: ServicePort[] = [
    { name: "http", port: ENGINE_PORT, targetPort: "http", protocol: "TCP" },
    ...engine.ports.map((p) => ({ name: p.name, port: p.containerPort, targetPort: p.name, protocol: "TCP" })),
  ];
  const selector: Record<string, string> = { [LABEL_INFERENCE_SERVICE]: svc.metadata.name ?? "" };
  if (pipelineParallelism(svc) > 1) selector[LABEL_ENTRY] = "true";
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: childMetadata(svc),
    spec: { type: "ClusterIP", selector, ports },
  };
}
