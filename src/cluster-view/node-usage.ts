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
  /** free() per node, kept until the node or a pod on it changes: a plan reads every node's. */
  private readonly freeCache = new Map<string, Resources>();

  setNode(node: Node): void {
    const name = node.metadata?.name ?? "";
    this.allocatable.set(name, nodeAllocatable(node));
    this.freeCache.delete(name);
  }

  removeNode(name: string): void {
    this.allocatable.delete(name);
    this.freeCache.delete(name);
  }

  addPod(pod: Pod): void {
    if (!counts(pod)) return;
    const node = pod.spec?.nodeName ?? "";
    this.used.set(node, add(this.used.get(node) ?? {}, podRequests(pod)));
    this.freeCache.delete(node);
  }

  removePod(pod: Pod): void {
    if (!counts(pod)) return;
    const node = pod.spec?.nodeName ?? "";
    this.used.set(node, subtract(this.used.get(node) ?? {}, podRequests(pod)));
    this.freeCache.delete(node);
  }

  clear(): void {
    this.allocatable.clear();
    this.used.clear();
    this.freeCache.clear();
  }

  allocatableOf(node: string): Resources | undefined {
    return this.allocatable.get(node);
  }

  /** Allocatable less the requests of the node's bound, unfinished pods (frozen: it is shared). */
  free(node: string): Resources {
    let free = this.freeCache.get(node);
    if (!free) {
      free = Object.freeze(subtract(this.allocatable.get(node) ?? {}, this.used.get(node) ?? {}));
      this.freeCache.set(node, free);
    }
    return free;
  }
}
