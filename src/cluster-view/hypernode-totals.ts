import type { Resources } from "../kube/resources.js";
import type { Topology } from "../volcano/topology.js";

/**
 * The free room of every HyperNode (the sum over the nodes below it), kept until a node below it
 * changes: a plan weighs every HyperNode of a tier against the gang's minimum, and summing 5,000
 * nodes' room for each plan was most of its time.
 */
export class HyperNodeTotals {
  private readonly totals = new Map<string, Resources>();
  private ancestors: Map<string, string[]> | undefined;

  constructor(
    private readonly topology: () => Topology,
    private readonly free: (node: string) => Resources,
  ) {}

  /** Σ free over the nodes below `hyperNode` (frozen: it is shared). */
  of(hyperNode: string): Resources {
    let total = this.totals.get(hyperNode);
    if (!total) {
      const sum: Resources = {};
      for (const node of this.topology().nodesOf.get(hyperNode) ?? []) {
        const free = this.free(node);
        for (const k in free) sum[k] = (sum[k] ?? 0) + (free[k] ?? 0);
      }
      total = Object.freeze(sum);
      this.totals.set(hyperNode, total);
    }
    return total;
  }

  /** Every HyperNode a node is below, lowest tier first. */
  holding(node: string): readonly string[] {
    if (!this.ancestors) {
      const topology = this.topology();
      const ancestors = new Map<string, string[]>();
      for (const [hyperNode, nodes] of topology.nodesOf)
        for (const n of nodes) ancestors.set(n, [...(ancestors.get(n) ?? []), hyperNode]);
      for (const list of ancestors.values())
        list.sort((a, b) => (topology.tierOf.get(a) ?? 0) - (topology.tierOf.get(b) ?? 0) || a.localeCompare(b));
      this.ancestors = ancestors;
    }
    return this.ancestors.get(node) ?? [];
  }

  /** A node's free room changed: the HyperNodes above it sum again when asked. */
  nodeChanged(node: string): void {
    if (this.totals.size === 0) return;
    for (const hyperNode of this.holding(node)) this.totals.delete(hyperNode);
  }

  /** The topology changed: everything sums again. */
  reset(): void {
    this.totals.clear();
    this.ancestors = undefined;
  }
}
