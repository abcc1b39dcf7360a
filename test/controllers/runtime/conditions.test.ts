import { strict as assert } from "node:assert";
import fc from "fast-check";
import { comparableStatus, condition, keepConditions } from "../../../src/controllers/runtime/conditions.js";
import { withCondition } from "../../../src/kube/conditions.js";

const at = "2026-01-01T00:00:00.000Z";
const later = "2026-01-01T00:05:00.000Z";

describe("runtime: conditions", () => {
  it("keeps lastTransitionTime while the status holds, as meta.SetStatusCondition does", () => {
    const first = condition("Ready", true, "AllReplicasReady", "2/2", [], at, 3);
    assert.deepEqual(first, {
      type: "Ready",
      status: "True",
      reason: "AllReplicasReady",
      message: "2/2",
      lastTransitionTime: at,
      observedGeneration: 3,
    });
    assert.equal(condition("Ready", true, "Other", "m", [first], later).lastTransitionTime, at);
    assert.equal(condition("Ready", false, "Other", "m", [first], later).lastTransitionTime, later);
  });

  it("withCondition replaces the condition of the same type in place, or appends it", () => {
    const a = condition("A", true, "R", "m", [], at);
    const b = condition("B", true, "R", "m", [], at);
    const b2 = condition("B", false, "S", "n", [b], later);
    assert.deepEqual(withCondition([a, b], b2), [a, b2]);
    assert.deepEqual(withCondition([a], b), [a, b]);
  });

  it("keepConditions copies another writer's conditions forward into the status the controller computes", () => {
    const sized = condition("Sized", true, "Optimized", "A100×3", [], at);
    const ready = condition("Ready", true, "AllReplicasReady", "3/3", [], at);
    const current = { replicas: 2, conditions: [ready, sized] };
    const next = { replicas: 3, conditions: [condition("Ready", true, "AllReplicasReady", "3/3", [ready], later)] };
    const kept = keepConditions(next, current, ["Sized"]);
    assert.deepEqual(
      kept.conditions.map((c) => c.type),
      ["Ready", "Sized"],
    );
    assert.deepEqual(kept.conditions[1], sized, "as it was, time and all");
    assert.equal(keepConditions(next, current, []), next, "nothing kept unless asked");
    assert.equal(keepConditions(next, { conditions: [ready] }, ["Sized"]), next, "nothing to keep");
  });

  it("keepConditions never drops or rewrites a condition the controller computed (property)", () => {
    const types = fc.constantFrom("Ready", "Progressing", "Sized", "Other");
    const cond = types.map((type) => condition(type, true, "R", type, [], at));
    const list = fc.uniqueArray(cond, { selector: (c) => c.type });
    fc.assert(
      fc.property(list, list, fc.subarray(["Sized", "Other"]), (own, live, keep) => {
        const kept = keepConditions({ conditions: own }, { conditions: live }, keep);
        assert.deepEqual(kept.conditions.slice(0, own.length), own);
        const types = kept.conditions.map((c) => c.type);
        assert.equal(new Set(types).size, types.length, "one condition per type");
        for (const c of live) if (keep.includes(c.type)) assert.ok(types.includes(c.type));
        // Kept in, a second pass changes nothing: the runtime sees no difference and writes nothing.
        assert.equal(comparableStatus(keepConditions(kept, kept, keep)), comparableStatus(kept));
      }),
    );
  });
});
