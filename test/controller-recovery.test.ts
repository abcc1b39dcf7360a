import { strict as assert } from "node:assert";
import type { Pod } from "kubernetes-types/core/v1.js";
import { desiredState } from "../src/controllers/modelinfer/desired.js";
import { recoveryActions } from "../src/controllers/modelinfer/recovery.js";
import type { ModelInfer, RecoveryPolicy } from "../src/apis/matrixinfer.js";
import { role } from "./support/objects.js";

const NOW = new Date("2026-11-22T12:00:00Z");

function mi(policy: RecoveryPolicy | undefined, grace = 30): ModelInfer {
  const spec: ModelInfer["spec"] = {
    replicas: 1,
    template: { restartGracePeriodSeconds: grace, roles: [role("prefill", 1, 0), role("decode", 2, 1)] },
  };
  if (policy) spec.recoveryPolicy = policy;
  return {
    apiVersion: "workload.matrixinfer.ai/v1alpha1",
    kind: "ModelInfer",
    metadata: { name: "m", namespace: "ml", uid: "u" },
    spec,
  };
}

/** Every pod Running and Ready, except `broken`, failed `secondsAgo`. */
function pods(model: ModelInfer, broken: string, secondsAgo: number, how: "failed" | "restarted" = "failed"): Pod[] {
  return desiredState(model)
    .flatMap((g) => g.pods)
    .map((p) => {
      const since = new Date(NOW.getTime() - secondsAgo * 1000).toISOString();
      if (p.metadata!.name !== broken)
        return { ...p, status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } };
      return {
        ...p,
        status:
          how === "failed"
            ? { phase: "Failed", conditions: [{ type: "Ready", status: "False", lastTransitionTime: since }] }
            : {
                phase: "Running",
                conditions: [{ type: "Ready", status: "False", lastTransitionTime: since }],
                containerStatuses: [{ name: "engine", image: "x", imageID: "", ready: false, restartCount: 2 }],
              },
      };
    });
}

const names = (ps: readonly Pod[]): string[] => ps.map((p) => p.metadata!.name!).sort();

describe("controller: recovery policies", () => {
  it("waits out restartGracePeriodSeconds, asking to be called back when it ends", () => {
    const model = mi("RoleRecreate");
    const result = recoveryActions(model, pods(model, "m-0-decode-1-1", 10), NOW);
    assert.deepEqual(result.delete, []);
    assert.equal(result.recheckAfterMs, 20_000);
  });

  it("RoleRecreate (the default) rebuilds the role instance of the broken pod", () => {
    for (const policy of ["RoleRecreate", undefined] as const) {
      const model = mi(policy);
      assert.deepEqual(names(recoveryActions(model, pods(model, "m-0-decode-1-1", 31), NOW).delete), [
        "m-0-decode-1-0",
        "m-0-decode-1-1",
      ]);
    }
  });

  it("InferGroupRecreate rebuilds the whole group", () => {
    const model = mi("InferGroupRecreate");
    assert.deepEqual(names(recoveryActions(model, pods(model, "m-0-decode-1-1", 31), NOW).delete), [
      "m-0-decode-0-0",
      "m-0-decode-0-1",
      "m-0-decode-1-0",
      "m-0-decode-1-1",
      "m-0-prefill-0-0",
    ]);
  });

  it("None replaces just the broken pod (MatrixInfer left it gone)", () => {
    const model = mi("None");
    assert.deepEqual(names(recoveryActions(model, pods(model, "m-0-prefill-0-0", 31), NOW).delete), [
      "m-0-prefill-0-0",
    ]);
  });

  it("treats a restarted container that is not ready like a failure, and a starting pod like nothing", () => {
    const model = mi("None", 0);
    assert.deepEqual(names(recoveryActions(model, pods(model, "m-0-prefill-0-0", 1, "restarted"), NOW).delete), [
      "m-0-prefill-0-0",
    ]);
    const starting = desiredState(model)
      .flatMap((g) => g.pods)
      .map((p) => ({ ...p, status: { phase: "Pending" } }));
    assert.deepEqual(recoveryActions(model, starting, NOW), { delete: [] });
  });
});
