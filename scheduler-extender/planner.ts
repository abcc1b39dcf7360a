import { add, fits, subtract, type Resources } from "../src/kube/resources.js";
import { gpuMilli } from "../src/nvidia/resources.js";
import type { Topology } from "../src/volcano/topology.js";

export interface GangMember {
  name: string;
  task: string;
  requests: Resources;
  /** Set when the pod is already bound: it pins the plan. */
  nodeName?: string;
}

export interface GangSpec {
  key: string;
  minMember: number;
  minTaskMember: Readonly<Record<string, number>>;
  /** PodGroup `minResources`: the HyperNode must have at least this free in total. */
  minResources: Readonly<Resources>;
  mode: "hard" | "soft";
  /** The highest tier the gang may span: `highestTierAllowed`, or the tier `highestTierName` names. */
  highestTier: number | undefined;
}

export interface Placement {
  hyperNode: string;
  tier: number;
  /** Pod name → node, for every member that could be placed (at least minMember of them). */
  assignments: ReadonlyMap<string, string>;
}

export type PlanResult = { ok: true; placement: Placement } | { ok: false; reason: string };

interface Attempt {
  hyperNode: string;
  assignments: Map<string, string>;
  leftoverGpu: number;
  placed: number;
}

/** Best fit: the node where the pod leaves the least GPU free, then by name. */
function bestNode(member: GangMember, nodes: readonly string[], free: Map<string, Resources>): string | undefined {
  let best: string | undefined;
  let bestLeft = Infinity;
  for (const node of nodes) {
    const left = free.get(node);
    if (!left || !fits(member.requests, left)) continue;
    const gpuLeft = gpuMilli(left) - gpuMilli(member.requests);
    if (gpuLeft < bestLeft) [best, bestLeft] = [node, gpuLeft];
  }
  return best;
}

/** Tasks with a minimum first, so their minimum is met before other members take the room. */
function placementOrder(members: readonly GangMember[], gang: GangSpec): GangMember[] {
  return [...members].sort(
    (a, b) =>
      Number((gang.minTaskMember[b.task] ?? 0) > 0) - Number((gang.minTaskMember[a.task] ?? 0) > 0) ||
      a.name.localeCompare(b.name),
  );
}

function tryHyperNode(
  hyperNode: string,
  nodes: readonly string[],
  members: readonly GangMember[],
  gang: GangSpec,
  freeOf: (node: string) => Resources,
): Attempt {
  const free = new Map(nodes.map((n) => [n, freeOf(n)]));
  const assignments = new Map<string, string>();
  for (const m of members) if (m.nodeName) assignments.set(m.name, m.nodeName);
  for (const member of placementOrder(
    members.filter((m) => !m.nodeName),
    gang,
  )) {
    const node = bestNode(member, nodes, free);
    if (node === undefined) continue;
    assignments.set(member.name, node);
    free.set(node, subtract(free.get(node) ?? {}, member.requests));
  }
  const leftoverGpu = [...free.values()].reduce((acc, r) => acc + gpuMilli(r), 0);
  return { hyperNode, assignments, leftoverGpu, placed: assignments.size };
}

function meetsMinimums(attempt: Attempt, members: readonly GangMember[], gang: GangSpec): boolean {
  if (attempt.placed < gang.minMember) return false;
  return Object.entries(gang.minTaskMember).every(
    ([task, min]) => members.filter((m) => m.task === task && attempt.assignments.has(m.name)).length >= min,
  );
}

/**
 * What any minMember members of the gang need at least, per resource: the sum of the smallest
 * minMember requests. A HyperNode with less free in total cannot hold the gang, so it is skipped
 * without trying to place anyone (at tier 1 of a large cluster, that is almost all of them).
 */
function minimumDemand(members: readonly GangMember[], gang: GangSpec): Resources {
  const unbound = members.filter((m) => !m.nodeName);
  const needed = Math.max(0, gang.minMember - (members.length - unbound.length));
  const demand: Resources = { ...gang.minResources };
  const names = new Set(unbound.flatMap((m) => Object.keys(m.requests)));
  for (const name of names) {
    const smallest = unbound
      .map((m) => m.requests[name] ?? 0)
      .sort((a, b) => a - b)
      .slice(0, needed);
    demand[name] = Math.max(
      demand[name] ?? 0,
      smallest.reduce((acc, v) => acc + v, 0),
    );
  }
  return demand;
}

function totalFree(nodes: readonly string[], freeOf: (node: string) => Resources): Resources {
  let total: Resources = {};
  for (const node of nodes) total = add(total, freeOf(node));
  return total;
}

/**
 * Where a gang goes (DESIGN §6): at the lowest tier up to the gang's highest (highestTierAllowed,
 * or the tier its highestTierName names) where some HyperNode holding every bound member can also
 * hold the gang's minimum (minMember, minTaskMember, minResources), the HyperNode that leaves the
 * least GPU free (then by name). Deterministic in its inputs, so replicas agree.
 */
export function planGang(
  gang: GangSpec,
  members: readonly GangMember[],
  topology: Topology,
  freeOf: (node: string) => Resources,
): PlanResult {
  const bound = members.filter((m) => m.nodeName).map((m) => m.nodeName as string);
  const demand = minimumDemand(members, gang);
  const freeCache = new Map<string, Resources>();
  const cachedFree = (node: string): Resources => {
    let free = freeCache.get(node);
    if (!free) freeCache.set(node, (free = freeOf(node)));
    return free;
  };
  const maxTier = Math.min(gang.highestTier ?? topology.maxTier, topology.maxTier);
  const tiers = topology.tiers.filter((t) => t <= maxTier);
  const scattered = boundApart(gang, bound, tiers, topology);
  if (scattered) return { ok: false, reason: scattered };
  let closest = { hyperNode: "", placed: -1, tier: 0 };
  for (const tier of tiers) {
    const candidates = (topology.byTier.get(tier) ?? []).filter((h) =>
      bound.every((n) => topology.nodesOf.get(h)?.includes(n)),
    );
    const fitting: Attempt[] = [];
    for (const hyperNode of candidates) {
      const nodes = topology.nodesOf.get(hyperNode) ?? [];
      if (!fits(demand, totalFree(nodes, cachedFree))) continue;
      const attempt = tryHyperNode(hyperNode, nodes, members, gang, cachedFree);
      if (meetsMinimums(attempt, members, gang)) fitting.push(attempt);
      else if (attempt.placed > closest.placed) closest = { hyperNode, placed: attempt.placed, tier };
    }
    const best = fitting.sort((a, b) => a.leftoverGpu - b.leftoverGpu || a.hyperNode.localeCompare(b.hyperNode))[0];
    if (best) return { ok: true, placement: { hyperNode: best.hyperNode, tier, assignments: best.assignments } };
  }
  return { ok: false, reason: noFitReason(gang, tiers.length === 0 ? undefined : maxTier, bound.length, closest) };
}

/**
 * Checked before any HyperNode is tried, so the reason names it: the bound members sit where no
 * HyperNode up to the highest tier holds them all (a node outside every HyperNode, or members
 * already spread wider), and no amount of free room can fix that.
 */
function boundApart(
  gang: GangSpec,
  bound: readonly string[],
  tiers: readonly number[],
  topology: Topology,
): string | undefined {
  if (bound.length === 0 || tiers.length === 0) return undefined;
  const outside = [...new Set(bound)].filter((n) => !topology.hyperNodeOfNode.has(n));
  if (outside.length > 0)
    return `gang ${gang.key}: bound members run on ${outside.join(", ")}, which no HyperNode holds`;
  const together = tiers.some((t) =>
    (topology.byTier.get(t) ?? []).some((h) => bound.every((n) => topology.nodesOf.get(h)?.includes(n))),
  );
  return together
    ? undefined
    : `gang ${gang.key}: its bound members on ${[...new Set(bound)].join(", ")} share no HyperNode up to tier ${tiers.at(-1) ?? ""}`;
}

function noFitReason(
  gang: GangSpec,
  maxTier: number | undefined,
  bound: number,
  closest: { hyperNode: string; placed: number; tier: number },
): string {
  if (maxTier === undefined) {
    const upTo = gang.highestTier === undefined ? "" : ` up to tier ${gang.highestTier}`;
    return `gang ${gang.key}: no HyperNode exists${upTo} to place it in`;
  }
  const what = [`minMember ${gang.minMember}`];
  if (Object.keys(gang.minTaskMember).length > 0) what.push("its minTaskMember");
  if (Object.keys(gang.minResources).length > 0) what.push("its minResources");
  if (bound > 0) what.push(`its ${bound} bound members`);
  const best =
    closest.placed >= 0
      ? `; the closest, ${closest.hyperNode} (tier ${closest.tier}), holds ${closest.placed}`
      : "; none has enough free resources in total";
  return `gang ${gang.key}: no HyperNode up to tier ${maxTier} holds ${what.join(" with ")}${best}`;
}
