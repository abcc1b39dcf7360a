import type { Node } from "kubernetes-types/core/v1.js";
import { parseQuantity } from "../../kube/quantity.js";
import type { SystemSpec } from "../spec.js";
import { GPU_RESOURCE, LABEL_GPU_PRODUCT } from "../../nvidia/resources.js";

/** Node labels that select an accelerator type's nodes; by default nvidia.com/gpu.product=<type>. */
export type NodeSelectors = Readonly<Record<string, Readonly<Record<string, string>>>>;

export function selectorFor(selectors: NodeSelectors, type: string): Readonly<Record<string, string>> {
  return selectors[type] ?? { [LABEL_GPU_PRODUCT]: type };
}

/** Cards per accelerator type: the allocatable GPUs of schedulable nodes that match its selector. */
export function capacityFromNodes(
  nodes: readonly Node[],
  types: readonly string[],
  selectors: NodeSelectors,
): Map<string, number> {
  const capacity = new Map<string, number>();
  for (const type of types) {
    const selector = Object.entries(selectorFor(selectors, type));
    let cards = 0;
    for (const node of nodes) {
      if (node.spec?.unschedulable) continue;
      const labels = node.metadata?.labels ?? {};
      if (!selector.every(([k, v]) => labels[k] === v)) continue;
      cards += Math.floor(parseQuantity(node.status?.allocatable?.[GPU_RESOURCE] ?? "0"));
    }
    capacity.set(type, cards);
  }
  return capacity;
}

export function acceleratorTypes(system: Pick<SystemSpec, "accelerators">): string[] {
  return [...new Set([...system.accelerators.values()].map((a) => a.type))];
}
