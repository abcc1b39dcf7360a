import type { Node, Pod } from "kubernetes-types/core/v1.js";
import type { GPUPool } from "../../src/apis/inference-ai.js";
import type { KubeObject } from "../../src/kube/object.js";

export const A100 = "NVIDIA-A100-SXM4-80GB";

/** A cluster-scoped GPUPool. */
export function gpuPool(name: string, spec: GPUPool["spec"], extra: Partial<GPUPool["metadata"]> = {}): GPUPool {
  return {
    apiVersion: "inference.ai/v1alpha1",
    kind: "GPUPool",
    metadata: { name, uid: `uid-${name}`, generation: 1, ...extra },
    spec,
  };
}

/** A GPU node as GFD labels it: product and count, plus `labels`; `allocatable` in devices. */
export function gpuNode(
  name: string,
  labels: Record<string, string>,
  allocatable: Record<string, number> = {},
  gpus = 8,
  product = A100,
): Node & KubeObject {
  const resources = Object.fromEntries(Object.entries(allocatable).map(([k, v]) => [k, String(v)]));
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: { "nvidia.com/gpu.product": product, "nvidia.com/gpu.count": String(gpus), ...labels },
    },
    status: { capacity: resources, allocatable: resources },
  };
}

/** A running pod bound to `node` requesting `resources` (devices). */
export function boundPod(name: string, node: string, resources: Record<string, number>): Pod & KubeObject {
  const requests = Object.fromEntries(Object.entries(resources).map(([k, v]) => [k, String(v)]));
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "serving" },
    spec: {
      nodeName: node,
      containers: [{ name: "engine", image: "vllm/vllm-openai:v0.10.1", resources: { requests, limits: requests } }],
    },
    status: { phase: "Running" },
  };
}
