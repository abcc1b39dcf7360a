import { strict as assert } from "node:assert";
import type { KubeObject } from "../src/kube/object.js";
import { ClusterStores } from "../src/cluster-view/stores.js";
import { POD, SERVICE, STATEFUL_SET } from "../src/kube/core-kinds.js";

function pod(name: string, owner?: string): KubeObject {
  const ownerReferences = owner
    ? [{ apiVersion: "workload.matrixinfer.ai/v1alpha1", kind: "ModelInfer", name: "m", uid: owner, controller: true }]
    : [];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "ml", ownerReferences },
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
        ownerReferences: [{ apiVersion: "x/v1", kind: "X", name: "x", uid: "u1", controller: true }],
      },
    });
    assert.deepEqual(
      stores
        .ownedOfKind("u1", POD)
        .map((p) => p.metadata?.name)
        .sort(),
      ["a", "b"],
    );
    assert.equal(stores.ownedOfKind("u1", SERVICE).length, 1);
    stores.upsert(pod("b", "u2"));
    assert.deepEqual(
      stores.ownedOfKind("u1", POD).map((p) => p.metadata?.name),
      ["a"],
    );
    assert.deepEqual(
      stores.ownedOfKind("u2", POD).map((p) => p.metadata?.name),
      ["b"],
    );
    stores.remove(pod("a", "u1"));
    assert.deepEqual(stores.ownedOfKind("u1", POD), []);
  });

  it("holds an object two informers of its kind deliver until both have removed it", () => {
    const stores = new ClusterStores();
    const sts: KubeObject = { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "s", namespace: "ml" } };
    stores.upsert(sts, "app.kubernetes.io/managed-by=inferplane");
    stores.upsert(sts, "inference.ai/managed=true,modelinfer.matrixinfer.ai/role");
    stores.remove(sts, "inference.ai/managed=true,modelinfer.matrixinfer.ai/role");
    assert.ok(stores.get(STATEFUL_SET, "ml", "s"), "the other selector still holds it");
    stores.remove(sts, "app.kubernetes.io/managed-by=inferplane");
    assert.equal(stores.get(STATEFUL_SET, "ml", "s"), undefined);
  });
});
