import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { add, nodeAllocatable, podRequests, subtract, type Resources } from "../kube/resources.js";

function counts(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return Boolean(pod.spec?.nodeName) && phase !== "Succeeded" && phase !== "Failed";
}

/**
 * Allocatable and used resources per node, updated pod by pod: a bound pod that has not
 * finished uses its requests on its node.
 */
export class NodeUsage {
  private readonly allocatable = new Map<string, Resources>();
  private readonly used = new Map<string, Resources>();

  setNode(node: Node): void {
    this.allocatable.set(node.metadata?.name ?? "", nodeAllocatable(node));
  }

  removeNode(name: string): void {
    this.allocatable.delete(name);
  }

  addPod(pod: Pod): void {
    if (!counts(pod)) return;
    const node = pod.spec?.nodeName ?? "";
    this.used.set(node, add(this.used.get(node) ?? {}, podRequests(pod)));
  }

  removePod(pod: Pod): void {
    if (!counts(pod)) return;
    const node = pod.spec?.nodeName ?? "";
    this.used.set(node, subtract(this.used.get(node) ?? {}, podRequests(pod)));
  }

  clear(): void {
    this.allocatable.clear();
    this.used.clear();
  }

  allocatableOf(node: string): Resources | undefined {
    return this.allocatable.get(node);
  }

  free(node: string): Resources {
    return subtract(this.allocatable.get(node) ?? {}, this.used.get(node) ?? {});
  }
}
