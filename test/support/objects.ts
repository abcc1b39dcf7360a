import type { Pod } from "kubernetes-types/core/v1.js";
import type { ModelInfer, Role } from "../../src/apis/matrixinfer.js";
import { LABEL_MANAGED } from "../../src/apis/inference-ai.js";
import { LABEL_MODELINFER_NAME, LABEL_ROLE } from "../../src/apis/matrixinfer.js";

export function role(name: string, replicas: number, workerReplicas: number): Role {
  const template = { spec: { containers: [{ name: "engine", image: "vllm/vllm-openai:v0.11.0" }] } };
  return {
    name,
    replicas,
    workerReplicas,
    entryTemplate: template,
    ...(workerReplicas > 0 ? { workerTemplate: template } : {}),
  };
}

export function modelInfer(
  name: string,
  roles: Role[],
  extra: Partial<ModelInfer["spec"]> = {},
  namespace = "default",
): ModelInfer {
  return {
    apiVersion: "workload.matrixinfer.ai/v1alpha1",
    kind: "ModelInfer",
    metadata: { name, namespace },
    spec: { replicas: 2, ...extra, template: { roles, ...(extra.template ?? {}) } },
  };
}

/** A hand-written pod that opts in and names its ModelInfer and role. */
export function optedInPod(name: string, mi: string, roleName: string, namespace = "default"): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace,
      labels: { [LABEL_MANAGED]: "true", [LABEL_MODELINFER_NAME]: mi, [LABEL_ROLE]: roleName },
    },
    spec: { containers: [{ name: "engine", image: "vllm/vllm-openai:v0.11.0" }] },
  };
}
