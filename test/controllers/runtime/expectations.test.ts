import { strict as assert } from "node:assert";
import { stamped } from "../../../src/controllers/runtime/child-plan.js";
import { Expectations } from "../../../src/controllers/runtime/expectations.js";
import type { KubeObject } from "../../../src/kube/object.js";

const pod = (name: string, image = "a"): KubeObject =>
  stamped({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "ns" }, spec: { image } } as KubeObject);

describe("runtime: expectations", () => {
  it("counts an applied child as live until the view shows it, then forgets it", () => {
    const e = new Expectations(1000);
    e.expectApplied("ns/p", [pod("a")], 0);
    assert.deepEqual(
      e.pending("ns/p", [], 10).owned.map((o) => o.metadata?.name),
      ["a"],
    );
    assert.equal(e.pending("ns/p", [pod("a")], 20).owned.length, 1);
    assert.deepEqual(e.pending("ns/p", [], 30).owned, [], "shown once, then the view is the truth");
  });

  it("holds a deleted child back from being deleted or created again until the view shows it gone", () => {
    const e = new Expectations(1000);
    e.expectDeleted("ns/p", [pod("a")], 0);
    const pending = e.pending("ns/p", [pod("a")], 10);
    assert.deepEqual([...pending.deleting], ["v1/Pod ns/a"]);
    assert.equal(e.pending("ns/p", [], 20).deleting.size, 0);
  });

  it("lapses after its time, so a lost write is retried", () => {
    const e = new Expectations(100);
    e.expectApplied("ns/p", [pod("a")], 0);
    assert.equal(e.pending("ns/p", [], 50).owned.length, 1);
    assert.equal(e.pending("ns/p", [], 200).owned.length, 0);
  });

  it("waits for the version it applied, not an older one the view still shows", () => {
    const e = new Expectations(1000);
    e.expectApplied("ns/p", [pod("a", "new")], 0);
    const owned = e.pending("ns/p", [pod("a", "old")], 10).owned;
    assert.equal((owned[0] as { spec?: { image?: string } }).spec?.image, "new");
  });
});
