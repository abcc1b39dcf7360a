import type { HyperNode } from "./hypernode.js";
import { hyperNodeRefusal } from "./hypernode-fields.js";
import { selectNodes, type Selection } from "./node-selections.js";
import { selectMembers, type Candidate } from "./selectors.js";

/** How the build learns which nodes a HyperNode selects: resolved afresh, or from a NodeSelections cache. */
export type NodeSelector = (hn: HyperNode, nodes: readonly Candidate[]) => Selection;

/** The HyperNode tree resolved against the nodes, with what was wrong in it. */
export interface Topology {
  tierOf: ReadonlyMap<string, number>;
  /** Every node below a HyperNode, sorted. */
  nodesOf: ReadonlyMap<string, readonly string[]>;
  /** HyperNode → the HyperNode that holds it. */
  parentOf: ReadonlyMap<string, string>;
  /** Node → the lowest-tier HyperNode holding it directly. */
  hyperNodeOfNode: ReadonlyMap<string, string>;
  /** HyperNode names per tier, sorted. */
  byTier: ReadonlyMap<number, readonly string[]>;
  /** The tiers that have HyperNodes, lowest (closest) first; Volcano's tiers start at 0 or 1. */
  tiers: readonly number[];
  maxTier: number;
  /** `spec.tierName` → the tiers of the HyperNodes that carry it (one, when the names are consistent). */
  tiersByName: ReadonlyMap<string, readonly number[]>;
  problems: readonly string[];
  /** The problems per HyperNode, for a Warning Event on it. */
  problemsOf: ReadonlyMap<string, readonly string[]>;
}

interface Build {
  directNodes: Map<string, string[]>;
  children: Map<string, string[]>;
  parentOf: Map<string, string>;
  hyperNodeOfNode: Map<string, string>;
  problems: string[];
  problemsOf: Map<string, string[]>;
}

/** Records a problem, against the HyperNode it concerns. */
function report(b: Build, hyperNode: string, text: string): void {
  b.problems.push(text);
  b.problemsOf.set(hyperNode, [...(b.problemsOf.get(hyperNode) ?? []), text]);
}

/** The candidates each member of one type selects; a selector that fails is reported and skipped. */
function selected(hn: HyperNode, type: "Node" | "HyperNode", candidates: readonly Candidate[], b: Build): Candidate[] {
  const result: Candidate[] = [];
  for (const member of (hn.spec.members ?? []).filter((m) => m.type === type)) {
    try {
      result.push(...selectMembers(member.selector, candidates, type === "Node"));
    } catch (err) {
      report(b, hn.metadata.name, `HyperNode ${hn.metadata.name}: ${(err as Error).message}`);
    }
  }
  return result;
}

function claimNodes(hn: HyperNode, selection: Selection, b: Build, nodeOwner: Map<string, string>): void {
  const tier = hn.spec.tier;
  for (const error of selection.errors) report(b, hn.metadata.name, `HyperNode ${hn.metadata.name}: ${error}`);
  for (const name of selection.names) {
    const node = { name };
    const key = `${tier}/${node.name}`;
    const owner = nodeOwner.get(key);
    if (owner !== undefined && owner !== hn.metadata.name) {
      report(
        b,
        hn.metadata.name,
        `node ${node.name} is claimed by HyperNodes ${owner} and ${hn.metadata.name} of tier ${tier}; ${owner} keeps it`,
      );
      continue;
    }
    nodeOwner.set(key, hn.metadata.name);
    b.directNodes.get(hn.metadata.name)?.push(node.name);
    if (!b.hyperNodeOfNode.has(node.name)) b.hyperNodeOfNode.set(node.name, hn.metadata.name);
  }
}

function claimChildren(hn: HyperNode, all: readonly Candidate[], b: Build): void {
  for (const child of selected(hn, "HyperNode", all, b)) {
    const owner = b.parentOf.get(child.name);
    if (child.name === hn.metadata.name || (owner !== undefined && owner !== hn.metadata.name)) {
      report(
        b,
        hn.metadata.name,
        `HyperNode ${child.name} is claimed by ${owner ?? child.name} and ${hn.metadata.name}; ${owner ?? "neither"} keeps it`,
      );
      continue;
    }
    b.parentOf.set(child.name, hn.metadata.name);
    b.children.get(hn.metadata.name)?.push(child.name);
  }
}

/** Removes parent links that close a cycle, reporting each. */
function breakCycles(b: Build): void {
  for (const start of [...b.parentOf.keys()].sort()) {
    const seen = new Set<string>([start]);
    let current = b.parentOf.get(start);
    while (current !== undefined) {
      if (seen.has(current)) {
        report(b, start, `HyperNodes form a cycle through ${current}; ${start}'s parent link is ignored`);
        const parent = b.parentOf.get(start) ?? "";
        b.parentOf.delete(start);
        b.children.set(
          parent,
          (b.children.get(parent) ?? []).filter((c) => c !== start),
        );
        break;
      }
      seen.add(current);
      current = b.parentOf.get(current);
    }
  }
}

function collectNodes(name: string, b: Build, memo: Map<string, string[]>): string[] {
  const cached = memo.get(name);
  if (cached) return cached;
  const set = new Set(b.directNodes.get(name) ?? []);
  for (const child of b.children.get(name) ?? []) for (const n of collectNodes(child, b, memo)) set.add(n);
  const nodes = [...set].sort();
  memo.set(name, nodes);
  return nodes;
}

/** `spec.tierName` → the tiers carrying it; a name on two tiers is reported. */
function tierNames(sorted: readonly HyperNode[], b: Build): Map<string, number[]> {
  const names = new Map<string, number[]>();
  for (const hn of sorted) {
    const name = hn.spec.tierName;
    if (!name) continue;
    const tiers = names.get(name) ?? [];
    if (!tiers.includes(hn.spec.tier)) tiers.push(hn.spec.tier);
    names.set(name, tiers);
    if (tiers.length === 2)
      report(
        b,
        hn.metadata.name,
        `tierName ${name} names tiers ${tiers.join(" and ")}; a tier name must name one tier`,
      );
  }
  return names;
}

/**
 * Resolves HyperNodes against nodes. Never throws: bad topology is reported in `problems`, and a
 * HyperNode with a field it cannot honour (hyperNodeRefusal) is left out.
 */
export function buildTopology(
  hyperNodes: readonly HyperNode[],
  nodes: readonly Candidate[],
  select: NodeSelector = selectNodes,
): Topology {
  const b: Build = {
    directNodes: new Map(),
    children: new Map(),
    parentOf: new Map(),
    hyperNodeOfNode: new Map(),
    problems: [],
    problemsOf: new Map(),
  };
  const usable = hyperNodes.filter((hn) => {
    const refusal = hyperNodeRefusal(hn);
    if (refusal) report(b, hn.metadata.name, `HyperNode ${hn.metadata.name}: ${refusal}; it is left out of placement`);
    return refusal === undefined;
  });
  const sorted = usable.sort((x, y) => x.spec.tier - y.spec.tier || x.metadata.name.localeCompare(y.metadata.name));
  for (const hn of sorted) {
    b.directNodes.set(hn.metadata.name, []);
    b.children.set(hn.metadata.name, []);
  }
  const nodeOwner = new Map<string, string>();
  const hyperCandidates = sorted.map((h) => ({ name: h.metadata.name, labels: {} }));
  for (const hn of sorted) claimNodes(hn, select(hn, nodes), b, nodeOwner);
  for (const hn of sorted) claimChildren(hn, hyperCandidates, b);
  breakCycles(b);
  const memo = new Map<string, string[]>();
  const byTier = new Map<number, string[]>();
  for (const hn of sorted) {
    collectNodes(hn.metadata.name, b, memo);
    byTier.set(hn.spec.tier, [...(byTier.get(hn.spec.tier) ?? []), hn.metadata.name]);
  }
  return {
    tierOf: new Map(sorted.map((h) => [h.metadata.name, h.spec.tier])),
    nodesOf: memo,
    parentOf: b.parentOf,
    hyperNodeOfNode: b.hyperNodeOfNode,
    byTier,
    tiers: [...byTier.keys()],
    maxTier: Math.max(0, ...sorted.map((h) => h.spec.tier)),
    tiersByName: tierNames(sorted, b),
    problems: b.problems,
    problemsOf: b.problemsOf,
  };
}

/** The tier of the lowest HyperNode that holds both nodes, or undefined when none does. */
export function commonTier(topology: Topology, a: string, b: string): number | undefined {
  const chain = new Set<string>();
  for (let h = topology.hyperNodeOfNode.get(a); h !== undefined; h = topology.parentOf.get(h)) chain.add(h);
  for (let h = topology.hyperNodeOfNode.get(b); h !== undefined; h = topology.parentOf.get(h)) {
    if (chain.has(h)) return topology.tierOf.get(h);
  }
  return undefined;
}
