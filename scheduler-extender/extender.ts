import type { Pod } from "kubernetes-types/core/v1.js";
import type { ClusterReader } from "../src/cluster-view/cluster-view.js";
import { fits } from "../src/kube/resources.js";
import { gpuMilli } from "../src/nvidia/resources.js";
import { lookupGang, type GangLookup, type Notice } from "./gang.js";
import { planGang, type Placement, type PlanResult } from "./planner.js";
import { commonTier } from "../src/volcano/topology.js";
import { MAX_EXTENDER_PRIORITY, type HostPriority } from "./wire.js";
import { toCandidates, type Candidates } from "./candidates.js";

export interface FilterDecision {
  /** The nodes that pass; `all` for pods outside any gang (or soft gangs), which pass untouched. */
  passed: Set<string> | "all";
  /**
   * Why each other candidate failed — only when none passed. kube-scheduler reads an extender's
   * failure maps only for a pod that ends up unschedulable: the FitError event counts their
   * reasons ("0/5000 nodes are available: 5000 gang …") and preemption picks candidates among the
   * FailedNodes (Unschedulable), never the FailedAndUnresolvableNodes (pkg/scheduler/schedule_one.go
   * findNodesThatPassExtenders, framework FitError.Error). When a node passes, the 4,999 reasons
   * would be serialized, sent and decoded for nothing.
   */
  failed: Record<string, string>;
  /** The failures preemption cannot resolve (FailedAndUnresolvableNodes): a PodGroup field refused. */
  unresolvable?: boolean;
  /** For metrics: why the gang could not be placed, if it could not. */
  unschedulable?: "waiting" | "no-fit" | "refused";
  planned?: boolean;
  /** Warning Events for the objects read (a PodGroup field the extender cannot honour). */
  notices?: Notice[];
}

type Gang = Extract<GangLookup, { kind: "gang" }>;

/**
 * The extender's decisions over the cluster view. Plans are cached per gang against the view's
 * version, so the 16 filter + 16 prioritize calls of one gang plan it once, and every replica
 * over the same view computes the same plan.
 */
export class Extender {
  private readonly plans = new Map<string, { version: number; plan: PlanResult }>();
  private packing: { version: number; scores: Map<string, number> } | undefined;

  constructor(private readonly stores: ClusterReader) {}

  private plan(gang: Gang): PlanResult {
    const cached = this.plans.get(gang.spec.key);
    if (cached?.version === this.stores.version) return cached.plan;
    const plan = planGang(gang.spec, gang.members, this.stores.topology(), (n) => this.stores.nodeFree(n), {
      hyperNodeFree: (h) => this.stores.hyperNodeFree(h),
      hyperNodesOf: (n) => this.stores.hyperNodesOf(n),
    });
    this.plans.set(gang.spec.key, { version: this.stores.version, plan });
    if (this.plans.size > 10_000) this.plans.delete(this.plans.keys().next().value ?? "");
    return plan;
  }

  filter(pod: Pod, nodes: readonly string[] | Candidates): FilterDecision {
    const candidates = toCandidates(nodes);
    const gang = lookupGang(pod, this.stores);
    if (gang.kind === "none") return { passed: "all", failed: {} };
    // Preemption cannot create the missing members: evicting pods would not help, so unresolvable.
    if (gang.kind === "waiting") return { ...failAll(candidates, gang.reason, "waiting"), unresolvable: true };
    if (gang.kind === "refused")
      return { ...failAll(candidates, gang.reason, "refused"), unresolvable: true, notices: gang.notices };
    if (gang.spec.mode === "soft") return { passed: "all", failed: {} };
    const plan = this.plan(gang);
    if (!plan.ok) return failAll(candidates, plan.reason, "no-fit");
    return { ...this.withinPlan(gang, plan.placement, pod.metadata?.name ?? "", candidates), planned: true };
  }

  /** The planned node, or, if the in-tree filters removed it, any node of the HyperNode that fits. */
  private withinPlan(gang: Gang, placement: Placement, name: string, candidates: Candidates): FilterDecision {
    const { hyperNode, assignments } = placement;
    const planned = assignments.get(name);
    if (planned !== undefined && this.stores.nodeAllocatable(planned) && candidates.has(planned))
      return { passed: new Set([planned]), failed: {} };
    const request = gang.members.find((m) => m.name === name)?.requests ?? {};
    const inHyperNode = new Set(this.stores.topology().nodesOf.get(hyperNode) ?? []);
    const passed = new Set(
      candidates
        .names()
        .filter((n) => inHyperNode.has(n) && this.stores.nodeAllocatable(n) && fits(request, this.stores.nodeFree(n))),
    );
    if (passed.size > 0) return { passed, failed: {} };
    // Reasons name no node: kube-scheduler counts identical reasons ("4999 nodes: …") in its event.
    const keptReason = `gang ${gang.spec.key} is planned in HyperNode ${hyperNode}; this node is kept for another member`;
    const outsideReason = `gang ${gang.spec.key} is planned in HyperNode ${hyperNode}; this node is outside it`;
    const failed: Record<string, string> = {};
    for (const node of candidates.names()) {
      if (!this.stores.nodeAllocatable(node)) failed[node] = "node is not in inferplane's cluster view";
      else failed[node] = inHyperNode.has(node) ? keptReason : outsideReason;
    }
    return { passed, failed };
  }

  /**
   * Scores 1..10; a node scored 0 is left out, which kube-scheduler counts the same (it adds an
   * extender's score only for the hosts it lists: schedule_one.go prioritizeNodes).
   */
  prioritize(pod: Pod, nodes: readonly string[] | Candidates): HostPriority[] {
    const candidates = toCandidates(nodes);
    const gang = lookupGang(pod, this.stores);
    if (gang.kind !== "gang") return [];
    const plan = this.plan(gang);
    const planned = plan.ok ? plan.placement.assignments.get(pod.metadata?.name ?? "") : undefined;
    // Hard mode: every other candidate failed the filter already; scoring them would be moot.
    if (gang.spec.mode === "hard" && planned !== undefined && candidates.has(planned))
      return [{ Host: planned, Score: MAX_EXTENDER_PRIORITY }];
    const bound = gang.members.flatMap((m) => (m.nodeName ? [m.nodeName] : []));
    const scores: HostPriority[] = [];
    for (const Host of candidates.names()) {
      const Score =
        Host === planned ? MAX_EXTENDER_PRIORITY : this.closenessScore(Host, bound) + this.packingScore(Host);
      if (Score > 0) scores.push({ Host, Score });
    }
    return scores;
  }

  /** 0..8: 8 beside a bound member in its tier-1 HyperNode, 2 less per tier further away. */
  private closenessScore(node: string, bound: readonly string[]): number {
    const topology = this.stores.topology();
    let best = 0;
    for (const other of bound) {
      const tier = node === other ? 0 : commonTier(topology, node, other);
      if (tier !== undefined) best = Math.max(best, Math.max(0, 10 - 2 * Math.max(tier, 1)));
    }
    return best;
  }

  /** 0..2: fuller GPU nodes first, so whole nodes stay free for the next gang. Computed once per view version. */
  private packingScore(node: string): number {
    if (this.packing?.version !== this.stores.version)
      this.packing = { version: this.stores.version, scores: new Map() };
    let score = this.packing.scores.get(node);
    if (score === undefined) {
      const total = gpuMilli(this.stores.nodeAllocatable(node) ?? {});
      score = total === 0 ? 0 : Math.round(2 * (1 - gpuMilli(this.stores.nodeFree(node)) / total));
      this.packing.scores.set(node, score);
    }
    return score;
  }
}

function failAll(candidates: Candidates, reason: string, why: "waiting" | "no-fit" | "refused"): FilterDecision {
  return {
    passed: new Set(),
    failed: Object.fromEntries(candidates.names().map((n) => [n, reason])),
    unschedulable: why,
  };
}
