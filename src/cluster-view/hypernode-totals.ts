import { add, subtract, type Resources } from "../kube/resources.js";
import type { Topology } from "../volcano/topology.js";

/**
 * The free room of every HyperNode (the sum over the nodes below it), kept across changes: a plan
 * weighs every HyperNode of a tier against the gang's minimum, and summing 5,000 nodes' room for
 * each plan was most of its time. A node's change adds the difference in its room to the totals
 * above it; a topology change sums everything again.
 */
export class HyperNodeTotals {
  private readonly totals = new Map<string, Resources>();
  /** The room of each node as the kept totals count it. */
  private readonly counted = new Map<string, Resources>();
  private ancestors: Map<string, string[]> | undefined;

  constructor(
    private readonly topology: () => Topology,
    private readonly free: (node: string) => Resources,
  ) {}

  /** Σ free over the nodes below `hyperNode`, in milli-units (frozen: it is shared). */
  of(hyperNode: string): Resources {
    let total = this.totals.get(hyperNode);
    if (!total) {
      const sum: Resources = {};
      for (const node of this.topology().nodesOf.get(hyperNode) ?? []) {
        const free = this.free(node);
        this.counted.set(node, free);
        for (const k in free) sum[k] = (sum[k] ?? 0) + (free[k] ?? 0);
      }
      total = Object.freeze(sum);
      this.totals.set(hyperNode, total);
    }
    return total;
  }

  /** Sums every HyperNode now, so that no request has to. */
  sumAll(): void {
    for (const hyperNode of this.topology().nodesOf.keys()) this.of(hyperNode);
    this.ancestorsByNode();
  }

  /** Every HyperNode a node is below, lowest tier first. */
  holding(node: string): readonly string[] {
    return this.ancestorsByNode().get(node) ?? [];
  }

  private ancestorsByNode(): ReadonlyMap<string, readonly string[]> {
    if (!this.ancestors) {
      const topology = this.topology();
      const ancestors = new Map<string, string[]>();
      for (const [hyperNode, nodes] of topology.nodesOf) for (const n of nodes) append(ancestors, n, hyperNode);
      for (const list of ancestors.values())
        list.sort((a, b) => (topology.tierOf.get(a) ?? 0) - (topology.tierOf.get(b) ?? 0) || a.localeCompare(b));
      this.ancestors = ancestors;
    }
    return this.ancestors;
  }

  /** A node's free room changed: the totals above it move by the difference. */
  nodeChanged(node: string): void {
    const before = this.counted.get(node);
    if (!before) return;
    const after = this.free(node);
    const delta = subtract(after, before);
    for (const hyperNode of this.holding(node)) {
      const total = this.totals.get(hyperNode);
      if (total) this.totals.set(hyperNode, Object.freeze(add(total, delta)));
    }
    this.counted.set(node, after);
  }

  /** The topology changed: everything sums again. */
  reset(): void {
    this.totals.clear();
    this.counted.clear();
    this.ancestors = undefined;
  }
}

function append(lists: Map<string, string[]>, key: string, value: string): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}
