import { strict as assert } from "node:assert";
import { buildTopology, commonTier } from "../../src/volcano/topology.js";
import type { HyperNode } from "../../src/volcano/hypernode.js";
import { exact, hyperNode, rackCluster, regex } from "../support/cluster.js";

function split(objects: ReturnType<typeof rackCluster>): {
  hns: HyperNode[];
  nodes: Array<{ name: string; labels: Record<string, string> }>;
} {
  return {
    hns: objects.filter((o) => o.kind === "HyperNode") as HyperNode[],
    nodes: objects
      .filter((o) => o.kind === "Node")
      .map((n) => ({ name: n.metadata!.name!, labels: (n.metadata as { labels: Record<string, string> }).labels })),
  };
}

describe("HyperNode topology", () => {
  it("resolves three tiers: regexMatch racks, exactMatch spines, a regexMatch core", () => {
    const { hns, nodes } = split(rackCluster(4, 2, 8));
    const t = buildTopology(hns, nodes);
    assert.deepEqual(t.problems, []);
    assert.deepEqual(t.nodesOf.get("rack-1"), ["r1-n0", "r1-n1"]);
    assert.deepEqual(t.nodesOf.get("spine-1"), ["r2-n0", "r2-n1", "r3-n0", "r3-n1"]);
    assert.equal(t.nodesOf.get("core")?.length, 8);
    assert.equal(t.maxTier, 3);
    assert.equal(commonTier(t, "r0-n0", "r0-n1"), 1);
    assert.equal(commonTier(t, "r0-n0", "r1-n1"), 2);
    assert.equal(commonTier(t, "r0-n0", "r3-n0"), 3);
  });

  it("selects Node members by labels (matchLabels and matchExpressions)", () => {
    const nodes = [
      { name: "a", labels: { zone: "z1", gpu: "h100" } },
      { name: "b", labels: { zone: "z1", gpu: "a100" } },
      { name: "c", labels: { zone: "z2", gpu: "h100" } },
    ];
    const t = buildTopology(
      [
        hyperNode("h100-z1", 1, [
          {
            type: "Node",
            selector: {
              labelMatch: {
                matchLabels: { zone: "z1" },
                matchExpressions: [{ key: "gpu", operator: "In", values: ["h100"] }],
              },
            },
          },
        ]),
        hyperNode("not-a100", 1, [
          {
            type: "Node",
            selector: {
              labelMatch: {
                matchExpressions: [
                  { key: "gpu", operator: "NotIn", values: ["a100"] },
                  { key: "zone", operator: "Exists" },
                ],
              },
            },
          },
        ]),
      ],
      nodes,
    );
    assert.deepEqual(t.nodesOf.get("h100-z1"), ["a"]);
    assert.deepEqual(t.problems, ["node a is claimed by HyperNodes h100-z1 and not-a100 of tier 1; h100-z1 keeps it"]);
    assert.deepEqual(t.nodesOf.get("not-a100"), ["c"]);
  });

  it("reports bad topology instead of failing: a bad regex, labelMatch on HyperNodes, a cycle", () => {
    const nodes = [{ name: "n1", labels: {} }];
    const t = buildTopology(
      [
        hyperNode("bad-regex", 1, [regex("Node", "([unclosed")]),
        hyperNode("ok", 1, [exact("Node", "n1")]),
        hyperNode("a", 2, [
          exact("HyperNode", "b"),
          { type: "HyperNode", selector: { labelMatch: { matchLabels: { x: "y" } } } },
        ]),
        hyperNode("b", 3, [exact("HyperNode", "a")]),
      ],
      nodes,
    );
    assert.equal(t.problems.length, 3, t.problems.join("\n"));
    assert.match(t.problems[0]!, /bad-regex: regexMatch .* does not compile/);
    assert.match(t.problems[1]!, /labelMatch selects Node members only/);
    assert.match(t.problems[2]!, /cycle/);
    assert.deepEqual(t.nodesOf.get("ok"), ["n1"]);
  });
});
