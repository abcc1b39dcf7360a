import type { Node } from "kubernetes-types/core/v1.js";
import type { GPUPool } from "../../apis/inference-ai.js";
import type { KubeObject } from "../../kube/object.js";
import { gfdCount, isGpuResource, LABEL_GPU_COUNT, LABEL_GPU_PRODUCT } from "../../nvidia/resources.js";

export type NodeObject = Node & KubeObject;

/** A node with NVIDIA GPUs: GFD counted some, or the device plugin advertises some. */
export function hasGpus(node: Node): boolean {
  if ((gfdCount(node.metadata?.labels?.[LABEL_GPU_COUNT]) ?? 0) > 0) return true;
  return Object.entries(node.status?.capacity ?? {}).some(([k, v]) => isGpuResource(k) && v !== "0");
}

/**
 * The GPU product behind GFD's label: `NVIDIA-A100-SXM4-80GB` also when the node is labelled
 * `…-MIG-3g.40gb` (single strategy) or `…-SHARED` (shared without renaming), as GFD's
 * resourceLabeler composes them.
 */
export function baseProduct(label: string): string {
  return label.replace(/-SHARED$/, "").replace(/-MIG-.*$/, "");
}

/**
 * Whether the pool selects the node: a node with GPUs, with every label of the pool's
 * nodeSelector and, when gpuProduct is set, of that product. An empty selector selects every
 * GPU node, as an empty Kubernetes label selector does.
 */
export function selects(pool: GPUPool, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  if (!hasGpus(node)) return false;
  if (!Object.entries(pool.spec.nodeSelector ?? {}).every(([k, v]) => labels[k] === v)) return false;
  const product = pool.spec.gpuProduct;
  return product === undefined || baseProduct(labels[LABEL_GPU_PRODUCT] ?? "") === product;
}

/** Each node's selecting pools, by node name, for the nodes some pool selects. */
export function poolsByNode(pools: readonly GPUPool[], nodes: readonly NodeObject[]): Map<string, GPUPool[]> {
  const out = new Map<string, GPUPool[]>();
  for (const node of nodes) {
    const mine = pools.filter((p) => !p.metadata.deletionTimestamp && selects(p, node));
    if (mine.length > 0) out.set(node.metadata?.name ?? "", mine);
  }
  return out;
}
