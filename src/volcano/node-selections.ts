import type { HyperNode } from "./hypernode.js";
import { selectMembers, type Candidate } from "./selectors.js";

/** The nodes a HyperNode's Node members select, and the selectors that could not be read. */
export interface Selection {
  names: readonly string[];
  errors: readonly string[];
}

/** Every Node member of `hn` over `nodes`; a selector that fails is reported once and skipped. */
export function selectNodes(hn: HyperNode, nodes: readonly Candidate[]): Selection {
  const names: string[] = [];
  const errors: string[] = [];
  for (const member of (hn.spec.members ?? []).filter((m) => m.type === "Node")) {
    try {
      for (const c of selectMembers(member.selector, nodes, true)) names.push(c.name);
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  return { names: [...new Set(names)], errors };
}

interface Entry {
  /** The members as selected last, so a change of spec is seen. */
  members: string;
  names: Set<string>;
  errors: readonly string[];
}

/**
 * Each HyperNode's selected nodes, kept across topology builds: a HyperNode whose members changed
 * is resolved again against every node, and a node that was added, removed or relabelled is tested
 * again against every HyperNode — instead of every regex against every node on every change
 * (625 regexMatch HyperNodes × 5,000 nodes is 3.1 M tests).
 */
export class NodeSelections {
  private readonly entries = new Map<string, Entry>();
  private readonly changed = new Set<string>();
  private everything = true;

  /** A node was added, removed or its labels changed. */
  nodeChanged(name: string): void {
    this.changed.add(name);
  }

  /** Everything is new (a full replace of the view). */
  reset(): void {
    this.everything = true;
    this.entries.clear();
    this.changed.clear();
  }

  /** The selection of `hn` over `nodes` (by name), as a full resolution would give it. */
  select(hn: HyperNode, nodes: ReadonlyMap<string, Candidate>, all: readonly Candidate[]): Selection {
    const members = JSON.stringify(hn.spec.members ?? []);
    const entry = this.entries.get(hn.metadata.name);
    if (!entry || entry.members !== members || this.everything) {
      const fresh = selectNodes(hn, all);
      this.entries.set(hn.metadata.name, { members, names: new Set(fresh.names), errors: fresh.errors });
      return fresh;
    }
    for (const name of this.changed) {
      entry.names.delete(name);
      const node = nodes.get(name);
      if (node && selectNodes(hn, [node]).names.length > 0) entry.names.add(name);
    }
    return { names: [...entry.names], errors: entry.errors };
  }

  /** After a build over `hyperNodes`: the changes are accounted for; HyperNodes gone are forgotten. */
  settle(hyperNodes: readonly HyperNode[]): void {
    const live = new Set(hyperNodes.map((h) => h.metadata.name));
    for (const name of this.entries.keys()) if (!live.has(name)) this.entries.delete(name);
    this.changed.clear();
    this.everything = false;
  }
}
