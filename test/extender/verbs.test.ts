import { strict as assert } from "node:assert";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { ExtenderFilterResult, HostPriority } from "../../scheduler-extender/wire.js";
import type { KubeObject } from "../../src/kube/object.js";
import { gangPod, podGroup, rackCluster } from "../support/cluster.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const ALL_NODES = Array.from({ length: 4 }, (_, r) => [`r${r}-n0`, `r${r}-n1`]).flat();

function lowerKeys(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k.toLowerCase(), v]));
}

describe("scheduler extender over HTTPS", function () {
  this.timeout(30_000);
  let t: TestServer;
  let dir: string;
  const objects: KubeObject[] = [
    ...rackCluster(4, 2, 8),
    podGroup("hard", 4, { mode: "hard", highestTierAllowed: 1 }),
    ...Array.from({ length: 4 }, (_, i) => gangPod(`hard-${i}`, "hard", { "nvidia.com/gpu": "4" })),
    podGroup("huge", 6, { mode: "hard", highestTierAllowed: 1 }),
    ...Array.from({ length: 6 }, (_, i) => gangPod(`huge-${i}`, "huge", { "nvidia.com/gpu": "4" })),
    podGroup("soft", 2, { mode: "soft" }),
    ...Array.from({ length: 2 }, (_, i) =>
      gangPod(`soft-${i}`, "soft", { "nvidia.com/gpu": "8" }, { nodeName: i === 0 ? "r2-n0" : undefined }),
    ),
    podGroup("partial", 3, { mode: "hard" }),
    gangPod("partial-0", "partial", { "nvidia.com/gpu": "1" }),
  ];
  const pod = (name: string): Pod => objects.find((o) => o.kind === "Pod" && o.metadata?.name === name) as Pod;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "inferplane-cluster-"));
    await writeFile(join(dir, "cluster.yaml"), objects.map((o) => stringify(o)).join("---\n"));
    t = await startTestServer({ manifests: dir });
  });
  after(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function filter(body: unknown): Promise<ExtenderFilterResult> {
    const { status, json } = await t.client.postJson("/scheduler/filter", body);
    assert.equal(status, 200);
    return json as ExtenderFilterResult;
  }

  it("hard gang, NodeNames mode: passes only the planned node; no failure reasons, which nothing reads then", async () => {
    const reply = await filter({ Pod: pod("hard-0"), Nodes: null, NodeNames: ALL_NODES });
    assert.equal(reply.Error, "");
    assert.deepEqual(reply.NodeNames, ["r0-n0"]);
    assert.equal(reply.Nodes, undefined);
    assert.deepEqual([reply.FailedNodes, reply.FailedAndUnresolvableNodes], [{}, {}]);
  });

  it("hard gang whose planned node the in-tree filters removed, and no other fits: names gang and HyperNode per node", async () => {
    const outside = ALL_NODES.filter((n) => !n.startsWith("r0-"));
    const reply = await filter({ Pod: pod("hard-0"), NodeNames: outside });
    assert.deepEqual(reply.NodeNames, []);
    assert.deepEqual(Object.keys(reply.FailedNodes), outside, "preemption may consider each: FailedNodes");
    assert.ok(
      Object.values(reply.FailedNodes).every(
        (r) => r === "gang default/hard is planned in HyperNode rack-0; this node is outside it",
      ),
    );
    const inside = await filter({ Pod: pod("hard-0"), NodeNames: ["r0-n1"] });
    assert.deepEqual(inside.NodeNames, ["r0-n1"], "another node of the HyperNode that fits stands in");
  });

  it("answers the same request in lower-case spelling identically", async () => {
    const go = await filter({ Pod: pod("hard-2"), NodeNames: ALL_NODES });
    const lower = await filter(lowerKeys({ Pod: pod("hard-2"), NodeNames: ALL_NODES }));
    assert.deepEqual(lower, go);
    assert.deepEqual(go.NodeNames, ["r0-n1"]);
  });

  it("with full Nodes (nodeCacheCapable false) answers with full Nodes", async () => {
    const nodes = objects.filter((o) => o.kind === "Node");
    const reply = await filter({ Pod: pod("hard-1"), Nodes: { items: nodes } });
    assert.equal(reply.NodeNames, undefined);
    assert.deepEqual(
      reply.Nodes?.items.map((n) => n.metadata?.name),
      ["r0-n0"],
    );
    assert.deepEqual(reply.Nodes?.items[0], nodes[0]);
  });

  it("hard gang that fits nowhere: every node fails with the minimum and the tier", async () => {
    const reply = await filter({ Pod: pod("huge-0"), NodeNames: ALL_NODES });
    assert.deepEqual(reply.NodeNames, []);
    assert.ok(
      Object.values(reply.FailedNodes).every(
        (r) =>
          r ===
          "gang default/huge: no HyperNode up to tier 1 holds minMember 6; none has enough free resources in total",
      ),
    );
  });

  it("a gang with members missing waits, saying how many, on every node, where preemption cannot help", async () => {
    const reply = await filter({ Pod: pod("partial-0"), NodeNames: ALL_NODES });
    assert.deepEqual(reply.FailedNodes, {});
    assert.equal(Object.keys(reply.FailedAndUnresolvableNodes).length, ALL_NODES.length);
    assert.equal(
      reply.FailedAndUnresolvableNodes["r0-n0"],
      "gang default/partial: 1 of minMember 3 pods exist; waiting for 2 more",
    );
  });

  it("soft gang: no filtering; scores favour the bound member's rack", async () => {
    const reply = await filter({ Pod: pod("soft-1"), NodeNames: ALL_NODES });
    assert.deepEqual(reply.NodeNames, ALL_NODES);
    const { json } = await t.client.postJson("/scheduler/prioritize", { Pod: pod("soft-1"), NodeNames: ALL_NODES });
    // A node left out scores 0, as kube-scheduler counts it.
    const scores = Object.fromEntries((json as HostPriority[]).map((p) => [p.Host, p.Score]));
    const score = (n: string): number => scores[n] ?? 0;
    assert.ok(score("r2-n1") > score("r3-n0") && score("r3-n0") > score("r0-n0"), JSON.stringify(scores));
    assert.ok(Object.values(scores).every((s) => s > 0 && s <= 10));
  });

  it("prioritize gives the planned node MaxExtenderPriority", async () => {
    const { status, json } = await t.client.postJson("/scheduler/prioritize", {
      Pod: pod("hard-3"),
      NodeNames: ALL_NODES,
    });
    assert.equal(status, 200);
    const top = (json as HostPriority[]).filter((p) => p.Score === 10).map((p) => p.Host);
    assert.deepEqual(top, ["r0-n1"]);
  });

  it("passes pods outside any gang through unchanged", async () => {
    const plain = { metadata: { name: "web", namespace: "default" }, spec: { containers: [{ name: "c" }] } };
    const reply = await filter({ Pod: plain, NodeNames: ["r0-n0", "no-such-node"] });
    assert.deepEqual(reply.NodeNames, ["r0-n0", "no-such-node"]);
  });

  it("fails nodes unknown to the cluster view for gang pods, naming them", async () => {
    const reply = await filter({ Pod: pod("hard-0"), NodeNames: ["ghost", "r1-n0"] });
    assert.equal(reply.FailedNodes.ghost, "node is not in inferplane's cluster view");
  });

  const malformed: Array<[string, string, RegExp]> = [
    ["a body that is not JSON", "{nope", /not valid JSON/],
    ["an empty body", "", /empty/],
    ["no Pod", JSON.stringify({ NodeNames: ["a"] }), /has no Pod/],
    ["no nodes at all", JSON.stringify({ Pod: {} }), /neither Nodes nor NodeNames/],
    [
      "NodeNames that are not strings",
      JSON.stringify({ Pod: {}, NodeNames: [1] }),
      /NodeNames must be an array of strings/,
    ],
  ];
  for (const [what, body, message] of malformed) {
    it(`answers ${what} with HTTP 200 and Error`, async () => {
      const reply = await t.client.post("/scheduler/filter", body);
      assert.equal(reply.status, 200);
      assert.match((JSON.parse(reply.body) as ExtenderFilterResult).Error, message);
    });
  }

  it("bind is not enabled and says so in Error", async () => {
    const { json } = await t.client.postJson("/scheduler/bind", {
      PodName: "hard-0",
      PodNamespace: "default",
      PodUID: "u",
      Node: "r0-n0",
    });
    assert.match((json as { Error: string }).Error, /bind is not enabled/);
  });

  it("records extender metrics", async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${t.server.metricsPort}/metrics`)).text();
    assert.match(metrics, /inferplane_extender_duration_seconds_count\{verb="filter"\} [1-9]/);
    assert.match(metrics, /inferplane_extender_unschedulable_gang_filters_total\{reason="no-fit"\} [1-9]/);
    assert.match(metrics, /inferplane_extender_unschedulable_gang_filters_total\{reason="waiting"\} [1-9]/);
    assert.match(metrics, /inferplane_topology_problems 0/);
  });
});
