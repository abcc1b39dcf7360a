import { strict as assert } from "node:assert";
import type { KubeObject } from "../src/cluster-view/object-store.js";
import { ClusterStores } from "../src/cluster-view/stores.js";

function pod(name: string, owner?: string): KubeObject {
  const ownerReferences = owner
    ? [{ apiVersion: "workload.matrixinfer.ai/v1alpha1", kind: "ModelInfer", name: "m", uid: owner, controller: true }]
    : [];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "ml", ownerReferences } as KubeObject["metadata"],
  };
}

describe("cluster view: objects by controller", () => {
  it("follows creation, a change of owner and deletion without scanning", () => {
    const stores = new ClusterStores();
    stores.upsert(pod("a", "u1"));
    stores.upsert(pod("b", "u1"));
    stores.upsert(pod("c"));
    stores.upsert({
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name: "a",
        namespace: "ml",
        ownerReferences: [{ uid: "u1", controller: true }],
      } as KubeObject["metadata"],
    });
    assert.deepEqual(
      stores
        .ownedBy("u1")
        .pods.map((p) => p.metadata?.name)
        .sort(),
      ["a", "b"],
    );
    assert.equal(stores.ownedBy("u1").services.length, 1);
    stores.upsert(pod("b", "u2"));
    assert.deepEqual(
      stores.ownedBy("u1").pods.map((p) => p.metadata?.name),
      ["a"],
    );
    assert.deepEqual(
      stores.ownedBy("u2").pods.map((p) => p.metadata?.name),
      ["b"],
    );
    stores.remove(pod("a", "u1"));
    assert.deepEqual(stores.ownedBy("u1").pods, []);
  });
});
