import { fits, subtract, type Resources } from "../src/kube/resources.js";
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
  /** Pod → node; left out by a count (uniform members), filled in for the chosen HyperNode. */
  assignments?: Map<string, string>;
  leftoverGpu: number;
  placed: number;
  meets: boolean;
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
  const placed = new Set(assignments.keys());
  return { hyperNode, assignments, leftoverGpu, placed: placed.size, meets: meetsMinimums(placed, members, gang) };
}

function meetsMinimums(placed: ReadonlySet<string>, members: readonly GangMember[], gang: GangSpec): boolean {
  if (placed.size < gang.minMember) return false;
  return Object.entries(gang.minTaskMember).every(
    ([task, min]) => members.filter((m) => m.task === task && placed.has(m.name)).length >= min,
  );
}

/** The request every unbound member makes, when they all make the same one (the common case). */
function uniformRequest(members: readonly GangMember[]): Resources | undefined {
  const unbound = members.filter((m) => !m.nodeName);
  const first = unbound[0]?.requests;
  if (!first) return undefined;
  const key = (r: Resources): string =>
    Object.keys(r)
      .filter((k) => (r[k] ?? 0) > 0)
      .sort()
      .map((k) => `${k}=${String(r[k])}`)
      .join(",");
  const want = key(first);
  return unbound.every((m) => key(m.requests) === want) ? first : undefined;
}

/** How many copies of `request` fit in `free`: fits() holds exactly while this is ≥ 1. */
function slots(request: Resources, free: Resources): number {
  let n = Infinity;
  for (const k in request) {
    const q = request[k] ?? 0;
    if (q > 0) n = Math.min(n, Math.floor((free[k] ?? 0) / q));
  }
  return Math.max(0, n === Infinity ? 0 : n);
}

/**
 * tryHyperNode's outcome without placing anyone, for members that all ask the same: each
 * placement takes one copy's room from one node, so best fit places min(members, Σ copies per
 * node) of them, the first in placementOrder, and leaves the HyperNode's GPUs less that many
 * requests. Exactly what tryHyperNode finds; the chosen HyperNode is then placed for real.
 */
function countHyperNode(
  hyperNode: string,
  nodes: readonly string[],
  members: readonly GangMember[],
  gang: GangSpec,
  request: Resources,
  freeOf: (node: string) => Resources,
  total: Resources,
): Attempt {
  let room = 0;
  for (const node of nodes) room += slots(request, freeOf(node));
  const gpu = gpuMilli(total);
  const order = placementOrder(
    members.filter((m) => !m.nodeName),
    gang,
  );
  const placedUnbound = order.slice(0, Math.min(order.length, room));
  const placed = new Set([
    ...members.filter((m) => m.nodeName).map((m) => m.name),
    ...placedUnbound.map((m) => m.name),
  ]);
  return {
    hyperNode,
    leftoverGpu: gpu - placedUnbound.length * gpuMilli(request),
    placed: placed.size,
    meets: meetsMinimums(placed, members, gang),
  };
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
  const total: Resources = {};
  for (const node of nodes) {
    const free = freeOf(node);
    for (const k in free) total[k] = (total[k] ?? 0) + (free[k] ?? 0);
  }
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
  options: PlanOptions = {},
): PlanResult {
  const bound = members.filter((m) => m.nodeName).map((m) => m.nodeName as string);
  const maxTier = Math.min(gang.highestTier ?? topology.maxTier, topology.maxTier);
  const tiers = topology.tiers.filter((t) => t <= maxTier);
  const scattered = boundApart(gang, bound, tiers, topology);
  if (scattered) return { ok: false, reason: scattered };
  const search = new TierSearch(gang, members, topology, freeOf, options);
  for (const tier of tiers) {
    const placement = search.bestAt(tier, bound);
    if (placement) return { ok: true, placement };
  }
  return {
    ok: false,
    reason: noFitReason(gang, tiers.length === 0 ? undefined : maxTier, bound.length, search.closest),
  };
}

/** What the view already knows and the plan may use instead of working it out. */
export interface PlanOptions {
  /** Count uniform members instead of placing them (default true; false only to check it). */
  countUniform?: boolean;
  /** A HyperNode's free room, kept by the view (default: summed over its nodes). */
  hyperNodeFree?: (hyperNode: string) => Resources;
  /** The HyperNodes a node is below (default: searched in the topology). */
  hyperNodesOf?: (node: string) => readonly string[];
  /** Try every HyperNode of a tier, not only those that could beat the best so far (tests compare). */
  exhaustive?: boolean;
}

/** The attempt that leaves less GPU free, then the one whose HyperNode's name sorts first. */
function better(a: Attempt | undefined, b: Attempt): Attempt {
  if (!a) return b;
  return b.leftoverGpu < a.leftoverGpu ||
    (b.leftoverGpu === a.leftoverGpu && b.hyperNode.localeCompare(a.hyperNode) < 0)
    ? b
    : a;
}

/** A HyperNode worth trying: its nodes, free room and place in the topology's order. */
interface Roomy {
  hyperNode: string;
  nodes: readonly string[];
  total: Resources;
  gpu: number;
  index: number;
}

/** One plan's search, tier by tier: the free room of each node read once, the closest miss remembered. */
class TierSearch {
  closest = { hyperNode: "", placed: -1, tier: 0, index: 0 };
  private readonly free = new Map<string, Resources>();
  private readonly demand: Resources;
  private readonly uniform: Resources | undefined;
  private readonly unboundGpu: number;

  constructor(
    private readonly gang: GangSpec,
    private readonly members: readonly GangMember[],
    private readonly topology: Topology,
    private readonly freeOf: (node: string) => Resources,
    private readonly options: PlanOptions,
  ) {
    this.demand = minimumDemand(members, gang);
    this.uniform = (options.countUniform ?? true) ? uniformRequest(members) : undefined;
    this.unboundGpu = members.filter((m) => !m.nodeName).reduce((acc, m) => acc + gpuMilli(m.requests), 0);
  }

  /** The miss that placed the most, the first in the topology's order on a tie (as trying in that order). */
  private remember(tried: Attempt, tier: number, index: number): void {
    const c = this.closest;
    if (tried.placed > c.placed || (tried.placed === c.placed && tier === c.tier && index < c.index))
      this.closest = { hyperNode: tried.hyperNode, placed: tried.placed, tier, index };
  }

  private totalOf(hyperNode: string, nodes: readonly string[]): Resources {
    return this.options.hyperNodeFree?.(hyperNode) ?? totalFree(nodes, this.cachedFree);
  }

  /** The HyperNodes of a tier that hold every bound member. */
  private candidates(tier: number, bound: readonly string[]): readonly string[] {
    const all = this.topology.byTier.get(tier) ?? [];
    const holding = this.options.hyperNodesOf;
    if (bound.length === 0) return all;
    if (holding) {
      const sets = bound.map((n) => new Set(holding(n)));
      return all.filter((h) => sets.every((s) => s.has(h)));
    }
    return all.filter((h) => bound.every((n) => this.topology.nodesOf.get(h)?.includes(n)));
  }

  private readonly cachedFree = (node: string): Resources => {
    let free = this.free.get(node);
    if (!free) this.free.set(node, (free = this.freeOf(node)));
    return free;
  };

  /** The candidates of a tier with the gang's minimum free in total, least free GPU first. */
  private roomy(tier: number, bound: readonly string[]): Roomy[] {
    const roomy: Roomy[] = [];
    this.candidates(tier, bound).forEach((hyperNode, index) => {
      const nodes = this.topology.nodesOf.get(hyperNode) ?? [];
      if (nodes.length === 0) return; // matches no node (or its selector is refused): nothing to place in
      const total = this.totalOf(hyperNode, nodes);
      if (fits(this.demand, total)) roomy.push({ hyperNode, nodes, total, gpu: gpuMilli(total), index });
    });
    return roomy.sort((a, b) => a.gpu - b.gpu || a.index - b.index);
  }

  private attempt(hyperNode: string, nodes: readonly string[], total: Resources): Attempt {
    return this.uniform
      ? countHyperNode(hyperNode, nodes, this.members, this.gang, this.uniform, this.cachedFree, total)
      : tryHyperNode(hyperNode, nodes, this.members, this.gang, this.cachedFree);
  }

  /**
   * The best-fitting HyperNode of `tier` that holds every bound member and the gang's minimum.
   * Tried from the least free GPU up: a HyperNode's leftover is at least its free GPU less what
   * every unbound member asks, so once that bound exceeds the best leftover found, no later one
   * can beat it and the rest are not tried (the plan is the one trying them all gives).
   */
  bestAt(tier: number, bound: readonly string[]): Placement | undefined {
    let best: Attempt | undefined;
    for (const { hyperNode, nodes, total, gpu, index } of this.roomy(tier, bound)) {
      if (best && !this.options.exhaustive && gpu - this.unboundGpu > best.leftoverGpu) break;
      const tried = this.attempt(hyperNode, nodes, total);
      if (tried.meets) best = better(best, tried);
      else this.remember(tried, tier, index);
    }
    if (!best) return undefined;
    const nodes = this.topology.nodesOf.get(best.hyperNode) ?? [];
    const assignments =
      best.assignments ??
      tryHyperNode(best.hyperNode, nodes, this.members, this.gang, this.cachedFree).assignments ??
      new Map<string, string>();
    return { hyperNode: best.hyperNode, tier, assignments };
  }
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
