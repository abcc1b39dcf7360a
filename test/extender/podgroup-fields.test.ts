import { strict as assert } from "node:assert";
import { listedCandidates } from "../../scheduler-extender/candidates.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { Extender } from "../../scheduler-extender/extender.js";
import { lookupGang } from "../../scheduler-extender/gang.js";
import { planGang } from "../../scheduler-extender/planner.js";
import { ApiEventRecorder } from "../../scheduler-extender/api-events.js";
import { hyperNodeNotices, OncePerVersion } from "../../scheduler-extender/events.js";
import type { Notice } from "../../scheduler-extender/gang.js";
import { filterReply } from "../../scheduler-extender/wire.js";
import type { KubeObject } from "../../src/kube/object.js";
import type { HyperNode } from "../../src/volcano/hypernode.js";
import type { PodGroup } from "../../src/volcano/podgroup.js";
import { POD } from "../../src/kube/core-kinds.js";
import { silentLogger } from "../../src/logging.js";
import { ApiDouble } from "../support/api-double.js";
import { exact, gangPod, hyperNode, node, podGroup, rackCluster, regex, storesOf } from "../support/cluster.js";

const NODES = Array.from({ length: 4 }, (_, r) => [`r${r}-n0`, `r${r}-n1`]).flat();

/** rackCluster with the racks' tier named, as Volcano's network-topology-aware HyperNodes name them. */
function namedRacks(): KubeObject[] {
  return rackCluster(4, 2, 8).map((o) =>
    o.kind === "HyperNode" && (o as HyperNode).spec.tier === 1
      ? { ...o, spec: { ...(o as HyperNode).spec, tierName: "volcano.sh/hypernode" } }
      : o,
  );
}

function withSpec(group: PodGroup, spec: Record<string, unknown>): PodGroup {
  return { ...group, spec: { ...group.spec, ...spec } };
}

/** How many nodes pass; every candidate when the pod passes untouched. */
function passedCount(passed: Set<string> | "all"): number {
  return passed === "all" ? Number.POSITIVE_INFINITY : passed.size;
}

function filter(objects: KubeObject[], podName: string): ReturnType<Extender["filter"]> {
  const stores = storesOf(objects);
  return new Extender(stores).filter(stores.get(POD, "default", podName)!, NODES);
}

const sixOfFour = Array.from({ length: 6 }, (_, i) => gangPod(`g-${i}`, "g", { "nvidia.com/gpu": "4" }));

describe("PodGroup fields: honoured or refused, never dropped", () => {
  it("holds a gang to the tier its networkTopology.highestTierName names (HyperNode spec.tierName)", () => {
    // Volcano NetworkTopologySpec.highestTierName: the highest tier, by the HyperNodes' spec.tierName.
    // 24 GPUs fit no 16-GPU rack: unnamed, the gang spans a tier-2 spine; named tier 1, it waits.
    const free = filter([...namedRacks(), podGroup("g", 6, { mode: "hard" }), ...sixOfFour], "g-0");
    assert.equal(passedCount(free.passed), 1);
    const held = filter(
      [...namedRacks(), podGroup("g", 6, { mode: "hard", highestTierName: "volcano.sh/hypernode" }), ...sixOfFour],
      "g-0",
    );
    assert.equal(passedCount(held.passed), 0);
    assert.equal(held.unschedulable, "no-fit");
    assert.ok(Object.values(held.failed).every((r) => r.includes("up to tier 1")));
  });

  const refused: Array<[string, Record<string, unknown>, string]> = [
    [
      "highestTierName with highestTierAllowed",
      { networkTopology: { mode: "hard", highestTierAllowed: 2, highestTierName: "volcano.sh/hypernode" } },
      "spec.networkTopology",
    ],
    [
      "a highestTierName no HyperNode has",
      { networkTopology: { highestTierName: "zone" } },
      "spec.networkTopology.highestTierName",
    ],
    ["a queue other than default", { queue: "research" }, "spec.queue"],
    ["a subGroupPolicy", { subGroupPolicy: [{ name: "s", subGroupSize: 2 }] }, "spec.subGroupPolicy"],
    ["a priorityClassName the pods lack", { priorityClassName: "high" }, "spec.priorityClassName"],
    ["a field inferplane does not know", { preemptible: true }, "spec.preemptible"],
    [
      "a networkTopology field inferplane does not know",
      { networkTopology: { mode: "hard", weight: 3 } },
      "spec.networkTopology.weight",
    ],
    ["a minMember that is no integer", { minMember: 2.5 }, "spec.minMember"],
    ["a minResources that is no quantity", { minResources: { cpu: "lots" } }, "spec.minResources.cpu"],
  ];
  for (const [what, spec, path] of refused)
    it(`refuses ${what}: every node unresolvable, the reason in the reply, a Warning for the PodGroup`, () => {
      const group = withSpec(podGroup("g", 6), spec);
      const decision = filter([...namedRacks(), group, ...sixOfFour], "g-0");
      assert.equal(decision.unschedulable, "refused");
      assert.equal(decision.unresolvable, true);
      assert.equal(passedCount(decision.passed), 0);
      assert.ok(
        Object.values(decision.failed).every((r) => r.includes(`: ${path}: `)),
        JSON.stringify(decision.failed),
      );
      assert.deepEqual(
        decision.notices?.map((n) => [n.object.kind, n.object.name, n.reason, n.message.split(":")[0]]),
        [["PodGroup", "g", "FieldNotHonoured", path]],
      );
      const reply = filterReply(
        { pod: {}, nodes: undefined, candidates: listedCandidates(NODES) },
        decision.passed,
        decision.failed,
        "",
        true,
      );
      assert.deepEqual(
        [Object.keys(reply.FailedNodes).length, Object.keys(reply.FailedAndUnresolvableNodes).length],
        [0, 8],
      );
    });

  const honoured: Array<[string, Record<string, unknown>]> = [
    ["the default queue", { queue: "default" }],
    ["no subgroups", { subGroupPolicy: [] }],
  ];
  for (const [what, spec] of honoured)
    it(`honours ${what}`, () => {
      const group = withSpec(podGroup("g", 6, { mode: "hard" }), spec);
      assert.equal(passedCount(filter([...namedRacks(), group, ...sixOfFour], "g-0").passed), 1);
    });

  it("honours a priorityClassName every member pod carries (kube-scheduler orders by the pods' priority)", () => {
    const pods = sixOfFour.map((p) => ({ ...p, spec: { ...p.spec!, priorityClassName: "high" } }));
    const group = withSpec(podGroup("g", 6, { mode: "hard" }), { priorityClassName: "high" });
    assert.equal(passedCount(filter([...namedRacks(), group, ...pods], "g-0").passed), 1);
  });

  it("honours minResources: the HyperNode must have that much free in total", () => {
    // A rack has 2 × 64 CPUs: a gang asking for 200 CPUs goes up to a spine (4 × 64).
    const stores = storesOf([
      ...rackCluster(4, 2, 8),
      withSpec(podGroup("g", 2, { mode: "hard" }), { minResources: { cpu: "200" } }),
      ...Array.from({ length: 2 }, (_, i) => gangPod(`g-${i}`, "g", { "nvidia.com/gpu": "1" })),
    ]);
    const gang = lookupGang(stores.get(POD, "default", "g-0")!, stores);
    assert.equal(gang.kind, "gang");
    if (gang.kind !== "gang") return;
    const plan = planGang(gang.spec, gang.members, stores.topology(), (n) => stores.nodeFree(n));
    assert.ok(plan.ok);
    assert.equal(plan.placement.tier, 2);
  });

  it("honours a scheduler-plugins PodGroup's scheduleTimeoutSeconds: the extender holds nothing to time out", () => {
    const coscheduling = {
      apiVersion: "scheduling.x-k8s.io/v1alpha1",
      kind: "PodGroup",
      metadata: { name: "g", namespace: "default" },
      spec: { minMember: 6, scheduleTimeoutSeconds: 60 },
    } as PodGroup;
    assert.notEqual(filter([...namedRacks(), coscheduling, ...sixOfFour], "g-0").unschedulable, "refused");
  });
});

describe("minTaskMember before planning (Volcano's NotEnoughPodsOfTask)", () => {
  it("waits, naming the task short of pods, even when minMember pods exist and a rack is empty", () => {
    // minMember 4 = 2 decode + 2 router pods, but minTaskMember asks 2 prefill: Volcano's gang plugin
    // reports NotEnoughPodsOfTask; planning would report a no-fit instead.
    const pods: Pod[] = [
      ...["d0", "d1"].map((n) => gangPod(n, "pd", { "nvidia.com/gpu": "1" }, { task: "decode" })),
      ...["r0", "r1"].map((n) => gangPod(n, "pd", { "nvidia.com/gpu": "1" }, { task: "router" })),
    ];
    const objects = [...rackCluster(4, 2, 8), podGroup("pd", 4, { mode: "hard" }, { prefill: 2, decode: 2 }), ...pods];
    const decision = filter(objects, "d0");
    assert.equal(decision.unschedulable, "waiting");
    assert.deepEqual(
      [...new Set(Object.values(decision.failed))],
      ["gang default/pd: NotEnoughPodsOfTask: task prefill has 0 of 2 pods (minTaskMember)"],
    );
  });
});

describe("HyperNode fields: honoured or refused, never dropped", () => {
  it("places in tier 0 HyperNodes (Volcano's tier minimum is 0)", () => {
    const objects = [
      node("a", 8),
      node("b", 8),
      hyperNode("nvl", 0, [regex("Node", "^[ab]$")]),
      podGroup("g", 2, { mode: "hard" }),
      gangPod("g-0", "g", { "nvidia.com/gpu": "8" }),
      gangPod("g-1", "g", { "nvidia.com/gpu": "8" }),
    ];
    const stores = storesOf(objects);
    assert.deepEqual(stores.topology().tiers, [0]);
    assert.equal(passedCount(new Extender(stores).filter(stores.get(POD, "default", "g-0")!, ["a", "b"]).passed), 1);
  });

  it("leaves out a HyperNode with a field it does not read or two selectors in one member, and warns on it", () => {
    const odd = {
      ...hyperNode("rack-x", 1, [exact("Node", "a")]),
      spec: { tier: 1, members: [], weight: 2 },
    } as HyperNode;
    const twice = hyperNode("rack-y", 1, [
      { type: "Node", selector: { exactMatch: { name: "b" }, regexMatch: { pattern: "^b$" } } },
    ]);
    const stores = storesOf([node("a", 8), node("b", 8), odd, twice, hyperNode("rack-z", 1, [exact("Node", "a")])]);
    const topology = stores.topology();
    assert.deepEqual(topology.byTier.get(1), ["rack-z"]);
    const notices = hyperNodeNotices(topology, [odd, twice]);
    assert.deepEqual(
      notices.map((n) => [n.object.name, n.reason]),
      [
        ["rack-x", "HyperNodeNotHonoured"],
        ["rack-y", "HyperNodeNotHonoured"],
      ],
    );
    assert.ok(notices[0]!.message.includes("spec.weight"));
  });
});

describe("extender Warning Events", () => {
  it("are passed on once per object version and message", () => {
    const seen: Notice[] = [];
    const once = new OncePerVersion({ warn: (n) => seen.push(n) });
    const notice = (resourceVersion: string): Notice => ({
      object: {
        apiVersion: "scheduling.volcano.sh/v1beta1",
        kind: "PodGroup",
        name: "g",
        namespace: "ml",
        uid: "u",
        resourceVersion,
      },
      reason: "FieldNotHonoured",
      message: "spec.queue: …",
    });
    for (const rv of ["1", "1", "1", "2"]) once.warn(notice(rv));
    assert.equal(seen.length, 2);
  });

  it("are posted through the API: in the PodGroup's namespace, and in default for a cluster-scoped HyperNode", async () => {
    const api = new ApiDouble();
    await api.start();
    try {
      const recorder = new ApiEventRecorder(api.kubeConfig(), silentLogger);
      recorder.warn({
        object: {
          apiVersion: "scheduling.volcano.sh/v1beta1",
          kind: "PodGroup",
          name: "g",
          namespace: "ml",
          uid: "u1",
        },
        reason: "FieldNotHonoured",
        message: "spec.queue: queue research is admitted by Volcano's scheduler only",
      });
      recorder.warn({
        object: { apiVersion: "topology.volcano.sh/v1alpha1", kind: "HyperNode", name: "rack-x", uid: "u2" },
        reason: "HyperNodeNotHonoured",
        message: "HyperNode rack-x: spec.weight is a field inferplane does not know",
      });
      const events = async (): Promise<
        Array<{ type: string; metadata: { namespace: string }; involvedObject: { kind: string; namespace?: string } }>
      > => {
        for (let i = 0; i < 50; i++) {
          const list = api.list("v1/events") as unknown as Awaited<ReturnType<typeof events>>;
          if (list.length === 2) return list;
          await new Promise((r) => setTimeout(r, 20));
        }
        throw new Error("events not posted");
      };
      const posted = (await events()).sort((a, b) => a.involvedObject.kind.localeCompare(b.involvedObject.kind));
      assert.deepEqual(
        posted.map((e) => [e.type, e.metadata.namespace, e.involvedObject.kind, e.involvedObject.namespace]),
        [
          ["Warning", "default", "HyperNode", undefined],
          ["Warning", "ml", "PodGroup", "ml"],
        ],
      );
    } finally {
      await api.stop();
    }
  });
});
