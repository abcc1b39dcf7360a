import { strict as assert } from "node:assert";
import type { Pod } from "kubernetes-types/core/v1.js";
import { desiredState } from "../src/controllers/modelinfer/desired.js";
import { groupIndices } from "../src/controllers/modelinfer/groups.js";
import type { ModelInfer } from "../src/apis/matrixinfer.js";
import { role } from "./support/objects.js";

function mi(replicas: number): ModelInfer {
  return {
    apiVersion: "workload.matrixinfer.ai/v1alpha1",
    kind: "ModelInfer",
    metadata: { name: "m", namespace: "ml", uid: "u" },
    spec: { replicas, template: { roles: [role("serve", 1, 1)] } },
  };
}

/** The pods of groups `groups`, Running and Ready unless listed in `notReady`. */
function podsOf(groups: number[], notReady: number[] = []): Pod[] {
  return desiredState(mi(1), groups).flatMap((g) =>
    g.pods.map((p) => ({
      ...p,
      status: notReady.includes(g.index)
        ? { phase: "Pending" }
        : { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
    })),
  );
}

describe("controller: which InferGroups exist", () => {
  it("starts from 0..replicas-1", () => {
    assert.deepEqual(groupIndices(mi(3), []), [0, 1, 2]);
  });

  it("scale-down removes unavailable groups first, then the highest", () => {
    assert.deepEqual(groupIndices(mi(2), podsOf([0, 1, 2], [1])), [0, 2]);
    assert.deepEqual(groupIndices(mi(1), podsOf([0, 1, 2], [1])), [0]);
    assert.deepEqual(groupIndices(mi(2), podsOf([0, 1, 2])), [0, 1]);
  });

  it("scale-up keeps the groups that exist and fills the lowest free ordinals", () => {
    assert.deepEqual(groupIndices(mi(4), podsOf([0, 2])), [0, 1, 2, 3]);
    assert.deepEqual(groupIndices(mi(2), podsOf([0, 2])), [0, 2], "no churn when the count is right");
  });
});
