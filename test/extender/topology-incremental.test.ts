import { strict as assert } from "node:assert";
import fc from "fast-check";
import { SnapshotView } from "../../src/cluster-view/snapshot-view.js";
import type { KubeObject } from "../../src/kube/object.js";
import { HyperNodeKind, type HyperNodeMember } from "../../src/volcano/hypernode.js";
import { buildTopology, type Topology } from "../../src/volcano/topology.js";
import { NODE } from "../../src/kube/core-kinds.js";
import { boundPod, hyperNode, node } from "../support/cluster.js";

const NODE_NAMES = ["a-0", "a-1", "b-0", "b-1", "c-0", "c-10"];
const ZONES = ["z1", "z2"];

const member: fc.Arbitrary<HyperNodeMember> = fc.oneof(
  fc.constantFrom(...NODE_NAMES).map((name) => ({ type: "Node" as const, selector: { exactMatch: { name } } })),
  fc
    .constantFrom("^a-", "^b-", "-0$", "c-1", "(")
    .map((pattern) => ({ type: "Node" as const, selector: { regexMatch: { pattern } } })),
  fc
    .constantFrom(...ZONES)
    .map((zone) => ({ type: "Node" as const, selector: { labelMatch: { matchLabels: { zone } } } })),
);

type Change =
  | { op: "node"; name: string; zone: string }
  | { op: "drop-node"; name: string }
  | { op: "hypernode"; name: string; tier: number; members: HyperNodeMember[] }
  | { op: "drop-hypernode"; name: string }
  | { op: "pod"; name: string; node: string; gpus: number }
  | { op: "drop-pod"; name: string };

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({
    op: fc.constant("node" as const),
    name: fc.constantFrom(...NODE_NAMES),
    zone: fc.constantFrom(...ZONES),
  }),
  fc.record({ op: fc.constant("drop-node" as const), name: fc.constantFrom(...NODE_NAMES) }),
  fc.record({
    op: fc.constant("hypernode" as const),
    name: fc.constantFrom("h1", "h2", "h3"),
    tier: fc.constantFrom(1, 2),
    members: fc.array(member, { maxLength: 3 }),
  }),
  fc.record({ op: fc.constant("drop-hypernode" as const), name: fc.constantFrom("h1", "h2", "h3") }),
  fc.record({
    op: fc.constant("pod" as const),
    name: fc.constantFrom("p1", "p2", "p3"),
    node: fc.constantFrom(...NODE_NAMES),
    gpus: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({ op: fc.constant("drop-pod" as const), name: fc.constantFrom("p1", "p2", "p3") }),
);

function apply(view: SnapshotView, c: Change): void {
  if (c.op === "node") view.upsert(node(c.name, 8, { zone: c.zone }));
  else if (c.op === "drop-node") view.remove(node(c.name, 8));
  else if (c.op === "hypernode") view.upsert(hyperNode(c.name, c.tier, c.members));
  else if (c.op === "drop-hypernode") view.remove(hyperNode(c.name, 1, []));
  else if (c.op === "pod") view.upsert(boundPod(c.name, c.node, c.gpus));
  else view.remove(boundPod(c.name, "", 0));
}

/** The same topology built from scratch, without the selections kept across builds. */
function fromScratch(view: SnapshotView): Topology {
  return buildTopology(
    view.list(HyperNodeKind),
    view.list(NODE).map((n) => ({ name: n.metadata?.name ?? "", labels: n.metadata?.labels ?? {} })),
  );
}

function nonZero(r: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== 0));
}

function sumFree(view: SnapshotView, nodes: readonly string[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const n of nodes) for (const [k, v] of Object.entries(view.nodeFree(n))) sum[k] = (sum[k] ?? 0) + v;
  return sum;
}

describe("topology: node selections kept across builds", () => {
  it("give what a build from scratch gives, after any sequence of node and HyperNode changes (property)", () => {
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 25 }), (changes) => {
        const view = new SnapshotView([]);
        for (const c of changes) {
          apply(view, c);
          const kept = view.topology();
          const scratch = fromScratch(view);
          const sorted = <V>(m: ReadonlyMap<string, V>): [string, V][] => [...m].sort(([a], [b]) => a.localeCompare(b));
          assert.deepEqual(sorted(kept.nodesOf), sorted(scratch.nodesOf));
          assert.deepEqual(sorted(kept.hyperNodeOfNode), sorted(scratch.hyperNodeOfNode));
          assert.deepEqual([...kept.problems].sort(), [...scratch.problems].sort());
        }
      }),
    );
  });

  it("keeps each HyperNode's free room equal to the sum over its nodes, after any change (property)", () => {
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 25 }), (changes) => {
        const view = new SnapshotView([]);
        for (const c of changes) {
          apply(view, c);
          const topology = fromScratch(view);
          for (const [h, nodes] of topology.nodesOf)
            assert.deepEqual(nonZero(view.hyperNodeFree(h)), nonZero(sumFree(view, nodes)), `free room of ${h}`);
          for (const n of NODE_NAMES) {
            const holding = [...topology.nodesOf].filter(([, nodes]) => nodes.includes(n)).map(([h]) => h);
            assert.deepEqual([...view.hyperNodesOf(n)].sort(), holding.sort(), `HyperNodes above ${n}`);
          }
        }
      }),
    );
  });

  it("is built right after a change, before any reader asks", async () => {
    const objects: KubeObject[] = [
      node("a-0", 8),
      hyperNode("h1", 1, [{ type: "Node", selector: { regexMatch: { pattern: "^a-" } } }]),
    ];
    const view = new SnapshotView(objects);
    await new Promise((resolve) => setImmediate(resolve));
    const built = view.topology();
    assert.equal(view.topology(), built, "the same build, not a new one");
    view.upsert(node("a-1", 8));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(view.topology().nodesOf.get("h1"), ["a-0", "a-1"]);
  });
});
