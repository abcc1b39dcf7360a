import { strict as assert } from "node:assert";
import fc from "fast-check";
import { lookupGang } from "../../scheduler-extender/gang.js";
import { planGang, type PlanResult } from "../../scheduler-extender/planner.js";
import type { KubeObject } from "../../src/kube/object.js";
import { boundPod, gangPod, node, podGroup, rackCluster, storesOf, hyperNode, regex } from "../support/cluster.js";
import { POD } from "../../src/kube/core-kinds.js";

function plan(objects: KubeObject[], podName: string): PlanResult {
  const stores = storesOf(objects);
  const pod = stores.get(POD, "default", podName)!;
  const gang = lookupGang(pod, stores);
  assert.equal(gang.kind, "gang", JSON.stringify(gang));
  if (gang.kind !== "gang") throw new Error("unreachable");
  return planGang(gang.spec, gang.members, stores.topology(), (n) => stores.nodeFree(n));
}

function gangOf(
  n: number,
  gpus: string,
  extra: { task?: (i: number) => string; bound?: Record<number, string> } = {},
): KubeObject[] {
  return Array.from({ length: n }, (_, i) =>
    gangPod(
      `g-${String(i).padStart(2, "0")}`,
      "g",
      { "nvidia.com/gpu": gpus },
      { task: extra.task?.(i), nodeName: extra.bound?.[i] },
    ),
  );
}

function nodesUsed(result: PlanResult): string[] {
  assert.ok(result.ok, result.ok ? "" : result.reason);
  return [...new Set(result.placement.assignments.values())].sort();
}

describe("gang planner", () => {
  it("fits a gang inside one tier-1 HyperNode when one can hold it, packing the fullest", () => {
    const objects = [
      ...rackCluster(4, 2, 8),
      podGroup("g", 4, { mode: "hard", highestTierAllowed: 3 }),
      ...gangOf(4, "4"),
      boundPod("busy", "r0-n0", 4),
    ];
    const result = plan(objects, "g-00");
    assert.ok(result.ok);
    assert.equal(result.placement.tier, 1);
    assert.equal(
      result.placement.hyperNode,
      "rack-1",
      "rack-0 has 4 GPUs in use and cannot hold 16; rack-1 is the first that can",
    );
    assert.deepEqual(nodesUsed(result), ["r1-n0", "r1-n1"]);
  });

  it("goes up to tier 2 when no rack can hold the minimum, and refuses beyond highestTierAllowed", () => {
    const objects = [
      ...rackCluster(4, 2, 8),
      podGroup("g", 6, { mode: "hard", highestTierAllowed: 2 }),
      ...gangOf(6, "4"),
    ];
    const result = plan(objects, "g-00");
    assert.ok(result.ok);
    assert.equal(result.placement.tier, 2);
    assert.equal(result.placement.hyperNode, "spine-0");
    const tight = [
      ...rackCluster(4, 2, 8),
      podGroup("g", 6, { mode: "hard", highestTierAllowed: 1 }),
      ...gangOf(6, "4"),
    ];
    const refused = plan(tight, "g-00");
    assert.ok(!refused.ok);
    assert.match(
      refused.reason,
      /^gang default\/g: no HyperNode up to tier 1 holds minMember 6; none has enough free resources in total$/,
    );
  });

  it("says, before trying any HyperNode, that bound members share none up to the highest tier", () => {
    // Members already bound in racks 0 and 2 can never be held to tier 1, whatever is free.
    const objects = [
      ...rackCluster(4, 2, 8),
      podGroup("g", 4, { mode: "hard", highestTierAllowed: 1 }),
      ...gangOf(4, "1", { bound: { 0: "r0-n0", 1: "r2-n0" } }),
    ];
    const result = plan(objects, "g-02");
    assert.deepEqual(result, {
      ok: false,
      reason: "gang default/g: its bound members on r0-n0, r2-n0 share no HyperNode up to tier 1",
    });
  });

  it("names the closest HyperNode when one had room in total but not in shape", () => {
    // 3 pods of 5 GPUs: a rack of two 8-GPU nodes has 16 free in total but holds only 2 of them.
    const objects = [
      ...rackCluster(2, 2, 8),
      podGroup("g", 3, { mode: "hard", highestTierAllowed: 1 }),
      ...gangOf(3, "5"),
    ];
    const result = plan(objects, "g-00");
    assert.ok(!result.ok);
    assert.equal(
      result.reason,
      "gang default/g: no HyperNode up to tier 1 holds minMember 3; the closest, rack-0 (tier 1), holds 2",
    );
  });

  it("fits nowhere when the whole cluster is too small", () => {
    const objects = [...rackCluster(2, 2, 8), podGroup("g", 9, { mode: "hard" }), ...gangOf(9, "4")];
    const result = plan(objects, "g-00");
    assert.ok(!result.ok);
    assert.match(
      result.reason,
      /no HyperNode up to tier 3 holds minMember 9; none has enough free resources in total$/,
    );
  });

  it("is pinned by bound members: the plan keeps to their HyperNode", () => {
    const objects = [
      ...rackCluster(4, 2, 8),
      podGroup("g", 4, { mode: "hard" }),
      ...gangOf(4, "4", { bound: { 0: "r3-n1" } }),
    ];
    const result = plan(objects, "g-01");
    assert.ok(result.ok);
    assert.equal(result.placement.hyperNode, "rack-3");
    assert.equal(result.placement.assignments.get("g-00"), "r3-n1");
  });

  it("meets minTaskMember before placing other members", () => {
    const objects = [
      ...rackCluster(1, 2, 8, 2, 1),
      podGroup("g", 2, { mode: "hard" }, { "decode-0": 2 }),
      ...gangOf(3, "6", { task: (i) => (i === 0 ? "prefill-0" : "decode-0") }),
    ];
    const result = plan(objects, "g-00");
    assert.ok(result.ok);
    assert.ok(result.placement.assignments.has("g-01") && result.placement.assignments.has("g-02"));
    assert.ok(!result.placement.assignments.has("g-00"), "no room left for the prefill member");
  });

  it("never plans into a HyperNode that holds no node, and plans a minMember 0 gang's pod where it fits", () => {
    for (const min of [0, 1]) {
      const objects: KubeObject[] = [
        ...rackCluster(2, 2, 8),
        hyperNode("rack-empty", 1, [regex("Node", "^nomatch-")]),
        hyperNode("rack-broken", 1, [regex("Node", "([")]),
        podGroup("g", min, { mode: "hard", highestTierAllowed: 2 }),
        ...gangOf(1, "4"),
      ];
      const result = plan(objects, "g-00");
      assert.ok(result.ok, result.ok ? "" : result.reason);
      assert.match(result.placement.hyperNode, /^rack-[01]$/);
      assert.ok(result.placement.assignments.get("g-00"), `minMember ${min}: the pod has a node`);
    }
  });

  it("places MIG slices as their own extended resource", () => {
    const objects: KubeObject[] = [
      node("mig-a", 0, {}, { "nvidia.com/mig-3g.40gb": "2" }),
      node("mig-b", 0, {}, { "nvidia.com/mig-3g.40gb": "2" }),
      hyperNode("mig-rack", 1, [regex("Node", "^mig-")]),
      podGroup("g", 4, { mode: "hard" }),
      ...Array.from({ length: 4 }, (_, i) => gangPod(`g-${i}`, "g", { "nvidia.com/mig-3g.40gb": "1" })),
    ];
    assert.deepEqual(nodesUsed(plan(objects, "g-0")), ["mig-a", "mig-b"]);
    const five = [
      ...objects,
      gangPod("g-4", "g", { "nvidia.com/mig-3g.40gb": "1" }),
      podGroup("g", 5, { mode: "hard" }),
    ];
    assert.ok(!plan(five, "g-0").ok);
  });

  it("two planners over the same objects in any order make the same plan", () => {
    const objects = [
      ...rackCluster(6, 3, 8),
      podGroup("g", 8, { mode: "hard" }),
      ...gangOf(8, "4"),
      boundPod("b1", "r0-n0", 2),
      boundPod("b2", "r2-n1", 6),
    ];
    const reference = plan(objects, "g-00");
    fc.assert(
      fc.property(
        fc.shuffledSubarray(objects, { minLength: objects.length, maxLength: objects.length }),
        (shuffled) => {
          const again = plan(shuffled, "g-00");
          assert.deepEqual(again, reference);
        },
      ),
      { numRuns: 30 },
    );
  });

  it("counting members, with kept totals and pruning, plans as trying every HyperNode does (property)", () => {
    const instance = fc.record({
      racks: fc.integer({ min: 1, max: 5 }),
      perRack: fc.integer({ min: 1, max: 4 }),
      used: fc.array(fc.record({ node: fc.nat(), gpus: fc.integer({ min: 1, max: 8 }) }), { maxLength: 10 }),
      members: fc.integer({ min: 1, max: 8 }),
      minMember: fc.integer({ min: 1, max: 8 }),
      gpus: fc.integer({ min: 1, max: 8 }),
      tasks: fc.boolean(),
      bound: fc.option(fc.nat(), { nil: undefined }),
    });
    fc.assert(
      fc.property(instance, (i) => {
        const cluster = rackCluster(i.racks, i.perRack, 8);
        const nodes = cluster.filter((o) => o.kind === "Node").map((o) => o.metadata!.name!);
        const busy = i.used.map((u, k) => boundPod(`busy-${k}`, nodes[u.node % nodes.length]!, u.gpus));
        const minTaskMember = i.tasks ? { "decode-0": Math.min(2, i.members) } : undefined;
        const bound: Record<number, string> = i.bound === undefined ? {} : { 0: nodes[i.bound % nodes.length]! };
        const gang = gangOf(i.members, String(i.gpus), {
          task: i.tasks ? (k) => (k % 2 === 0 ? "prefill-0" : "decode-0") : undefined,
          bound,
        });
        const stores = storesOf([
          ...cluster,
          ...busy,
          podGroup("g", Math.min(i.minMember, i.members), { mode: "hard" }, minTaskMember),
          ...gang,
        ]);
        const lookup = lookupGang(stores.get(POD, "default", "g-00")!, stores);
        if (lookup.kind !== "gang") return;
        const free = (n: string): ReturnType<typeof stores.nodeFree> => stores.nodeFree(n);
        const counted = planGang(lookup.spec, lookup.members, stores.topology(), free, {
          hyperNodeFree: (h) => stores.hyperNodeFree(h),
          hyperNodesOf: (n) => stores.hyperNodesOf(n),
        });
        const placed = planGang(lookup.spec, lookup.members, stores.topology(), free, {
          countUniform: false,
          exhaustive: true,
        });
        const comparable = (r: PlanResult): unknown =>
          r.ok ? { ...r.placement, assignments: [...r.placement.assignments] } : r;
        assert.deepEqual(comparable(counted), comparable(placed));
      }),
      { numRuns: 300 },
    );
  });
});
