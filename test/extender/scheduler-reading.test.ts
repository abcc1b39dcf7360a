import { strict as assert } from "node:assert";
import { listedCandidates } from "../../scheduler-extender/candidates.js";
import { Extender } from "../../scheduler-extender/extender.js";
import { filterReply, type ExtenderFilterResult } from "../../scheduler-extender/wire.js";
import type { KubeObject } from "../../src/kube/object.js";
import { POD } from "../../src/kube/core-kinds.js";
import { gangPod, podGroup, rackCluster } from "../support/cluster.js";
import { StaticView } from "../support/static-view.js";

/**
 * What kube-scheduler reads of one extender's filter reply, as pkg/scheduler/schedule_one.go and
 * framework/types.go do: the nodes that pass; and only when none does, the FitError event
 * ("0/N nodes are available: <count> <reason>, …", a histogram over the nodes' statuses, where a
 * node in neither map has the default absent status, UnschedulableAndUnresolvable with no reason)
 * and the nodes preemption may try (status Unschedulable: FailedNodes only).
 */
function schedulerReads(
  candidates: readonly string[],
  reply: ExtenderFilterResult,
): { feasible: string[]; event?: string; preemptionCandidates?: string[] } {
  const feasible = reply.NodeNames ?? [];
  if (feasible.length > 0) return { feasible };
  const reasons = new Map<string, number>();
  for (const node of candidates) {
    const reason = reply.FailedAndUnresolvableNodes[node] ?? reply.FailedNodes[node];
    if (reason !== undefined) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const histogram = [...reasons].map(([r, n]) => `${n} ${r}`).sort();
  return {
    feasible,
    event: `0/${candidates.length} nodes are available: ${histogram.join(", ")}.`,
    preemptionCandidates: candidates.filter(
      (n) => reply.FailedNodes[n] !== undefined && reply.FailedAndUnresolvableNodes[n] === undefined,
    ),
  };
}

describe("extender: the reply keeps every reason kube-scheduler's events and preemption read", () => {
  const objects: KubeObject[] = [
    ...rackCluster(4, 2, 8),
    podGroup("fits", 2, { mode: "hard", highestTierAllowed: 1 }),
    ...Array.from({ length: 2 }, (_, i) => gangPod(`fits-${i}`, "fits", { "nvidia.com/gpu": "8" })),
    podGroup("huge", 6, { mode: "hard", highestTierAllowed: 1 }),
    ...Array.from({ length: 6 }, (_, i) => gangPod(`huge-${i}`, "huge", { "nvidia.com/gpu": "8" })),
    podGroup("short", 3, { mode: "hard" }),
    gangPod("short-0", "short", { "nvidia.com/gpu": "1" }),
  ];
  const view = new StaticView(objects);
  const extender = new Extender(view);
  const nodes = objects.filter((o) => o.kind === "Node").map((o) => o.metadata!.name!);
  const reads = (podName: string, candidates = nodes): ReturnType<typeof schedulerReads> => {
    const pod = view.get(POD, "default", podName)!;
    const decision = extender.filter(pod, candidates);
    const reply = filterReply(
      { pod, nodes: undefined, candidates: listedCandidates(candidates) },
      decision.passed,
      decision.failed,
      "",
      decision.unresolvable,
    );
    return schedulerReads(candidates, reply);
  };

  it("a placed pod: the scheduler reads only the node it may go to", () => {
    assert.deepEqual(reads("fits-0"), { feasible: ["r0-n0"] });
  });

  it("a gang that fits nowhere: every node counted under the minimum that failed, each a preemption candidate", () => {
    const r = reads("huge-0");
    assert.equal(
      r.event,
      "0/8 nodes are available: 8 gang default/huge: no HyperNode up to tier 1 holds minMember 6; none has enough free resources in total.",
    );
    assert.deepEqual(r.preemptionCandidates, nodes);
  });

  it("a gang still missing members: every node counted under why, and none offered to preemption", () => {
    const r = reads("short-0");
    assert.equal(
      r.event,
      "0/8 nodes are available: 8 gang default/short: 1 of minMember 3 pods exist; waiting for 2 more.",
    );
    assert.deepEqual(r.preemptionCandidates, []);
  });

  it("a placed gang whose planned node the in-tree filters removed: the rest counted under the plan", () => {
    const r = reads(
      "fits-0",
      nodes.filter((n) => !n.startsWith("r0-")),
    );
    assert.equal(
      r.event,
      "0/6 nodes are available: 6 gang default/fits is planned in HyperNode rack-0; this node is outside it.",
    );
    assert.equal(r.preemptionCandidates?.length, 6);
  });
});
