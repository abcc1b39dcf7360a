import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  ANNOTATION_APPLIED_HASH,
  planChildren,
  stamped,
  subsetEqual,
} from "../../../src/controllers/runtime/child-plan.js";
import { CONFIG_MAP, POD, SERVICE } from "../../../src/kube/core-kinds.js";
import type { KubeObject } from "../../../src/kube/object.js";

function obj(kind: string, name: string, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: "v1", kind, metadata: { name, namespace: "ns" }, ...extra };
}

describe("runtime: which children to apply and delete", () => {
  it("creates what is missing, updates what differs, leaves what matches, deletes owned children no longer desired", () => {
    const want = [
      obj("ConfigMap", "same", { data: { a: "1" } }),
      obj("ConfigMap", "changed", { data: { a: "2" } }),
      obj("ConfigMap", "new", { data: { a: "3" } }),
    ];
    const have = [
      obj("ConfigMap", "same", { data: { a: "1" }, extra: "server-set" }),
      obj("ConfigMap", "changed", { data: { a: "1" } }),
      obj("ConfigMap", "gone", { data: {} }),
      obj("Secret", "not-a-kind-we-own"),
    ];
    const plan = planChildren(want, have, [CONFIG_MAP]);
    assert.deepEqual(
      plan.create.map((o) => o.metadata?.name),
      ["new"],
    );
    assert.deepEqual(
      plan.update.map((o) => o.metadata?.name),
      ["changed"],
    );
    assert.deepEqual(
      plan.delete.map((o) => o.metadata?.name),
      ["gone"],
    );
  });

  it("never updates an immutable kind in place, and leaves children being deleted alone", () => {
    const want = [obj("Pod", "p", { spec: { x: 2 } }), obj("Service", "s", { spec: { y: 1 } })];
    const have = [obj("Pod", "p", { spec: { x: 1 } }), obj("Service", "s", { spec: { y: 0 } })];
    const plan = planChildren(want, have, [POD, SERVICE], [POD], new Set(["v1/Service ns/s"]));
    assert.deepEqual([plan.create, plan.update, plan.delete], [[], [], []]);
  });

  it("stamps the managed-by label and a hash that changes when a field is removed", () => {
    const a = stamped(obj("ConfigMap", "c", { data: { a: "1", b: "2" } }));
    const b = stamped(obj("ConfigMap", "c", { data: { a: "1" } }));
    assert.equal(a.metadata?.labels?.["app.kubernetes.io/managed-by"], "inferplane");
    assert.notEqual(
      a.metadata?.annotations?.[ANNOTATION_APPLIED_HASH],
      b.metadata?.annotations?.[ANNOTATION_APPLIED_HASH],
    );
    assert.ok(
      subsetEqual((b as { data?: unknown }).data, (a as { data?: unknown }).data),
      "a removal alone is not a difference…",
    );
    const plan = planChildren([b], [a], [CONFIG_MAP]);
    assert.equal(plan.update.length, 1, "…so the hash makes it an update");
  });

  it("subsetEqual: a value matches itself with anything added, and not with a changed leaf (property)", () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(json, fc.dictionary(fc.string(), json), (value, extra) => {
        assert.ok(subsetEqual(value, value));
        if (typeof value === "object" && value !== null && !Array.isArray(value))
          assert.ok(subsetEqual(value, { ...extra, ...value }));
      }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.integer(), { minKeys: 1 }), (value) => {
        const key = Object.keys(value)[0]!;
        assert.ok(!subsetEqual(value, { ...value, [key]: value[key]! + 1 }));
      }),
    );
  });
});
