import { strict as assert } from "node:assert";
import type { Pod } from "kubernetes-types/core/v1.js";
import { desiredState } from "../src/controllers/modelinfer/desired.js";
import { rolloutDeletions, unavailableBudget } from "../src/controllers/modelinfer/rollout.js";
import type { ModelInfer } from "../src/apis/matrixinfer.js";
import { role } from "./support/objects.js";

function mi(image: string, maxUnavailable?: number | string, partition?: number): ModelInfer {
  const serve = role("serve", 1, 1);
  serve.entryTemplate.spec!.containers[0]!.image = image;
  serve.workerTemplate!.spec!.containers[0]!.image = image;
  const spec: ModelInfer["spec"] = { replicas: 4, template: { roles: [serve] } };
  if (maxUnavailable !== undefined || partition !== undefined)
    spec.rolloutStrategy = {
      rollingUpdateConfiguration: {
        ...(maxUnavailable !== undefined ? { maxUnavailable } : {}),
        ...(partition !== undefined ? { partition } : {}),
      },
    };
  return {
    apiVersion: "workload.matrixinfer.ai/v1alpha1",
    kind: "ModelInfer",
    metadata: { name: "m", namespace: "ml", uid: "u" },
    spec,
  };
}

/** Ready pods of all 4 groups, built at the old image's revision. */
function oldPods(notReady: number[] = []): Pod[] {
  return desiredState(mi("old")).flatMap((g) =>
    g.pods.map((p) => ({
      ...p,
      status: notReady.includes(g.index)
        ? { phase: "Pending" }
        : { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
    })),
  );
}

const groupsOf = (pods: readonly Pod[]): number[] =>
  [...new Set(pods.map((p) => Number(p.metadata!.name!.split("-")[1])))].sort();

describe("controller: rolling update plan", () => {
  it("replaces as many groups at once as maxUnavailable allows, highest first", () => {
    assert.deepEqual(groupsOf(rolloutDeletions(mi("new", 2), oldPods(), [0, 1, 2, 3])), [2, 3]);
    assert.deepEqual(groupsOf(rolloutDeletions(mi("new", 1), oldPods(), [0, 1, 2, 3])), [3]);
  });

  it("counts groups already unavailable against the budget, but lets them be replaced", () => {
    assert.deepEqual(
      groupsOf(rolloutDeletions(mi("new", 1), oldPods([1]), [0, 1, 2, 3])),
      [1],
      "group 1 is down anyway; 3 and 2 must wait",
    );
  });

  it("resolves percentages of replicas, rounding down, and never stalls at 0", () => {
    assert.equal(unavailableBudget(mi("x", "50%")), 2);
    assert.equal(unavailableBudget(mi("x", "10%")), 0);
    assert.deepEqual(groupsOf(rolloutDeletions(mi("new", "10%"), oldPods(), [0, 1, 2, 3])), [3]);
  });

  it("stops at the partition and does nothing when all is current", () => {
    assert.deepEqual(groupsOf(rolloutDeletions(mi("new", 4, 2), oldPods(), [0, 1, 2, 3])), [2, 3]);
    assert.deepEqual(rolloutDeletions(mi("old", 4), oldPods(), [0, 1, 2, 3]), []);
  });
});
