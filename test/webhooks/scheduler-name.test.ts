import { strict as assert } from "node:assert";
import type { Pod } from "kubernetes-types/core/v1.js";
import { routeGangToScheduler } from "../../webhooks/enhancers/scheduler-name.js";
import { processMutation } from "../../webhooks/mutate-processor.js";
import { applyPatch } from "../../webhooks/patch.js";
import type { Operation } from "fast-json-patch";
import { modelInfer, optedInPod, role } from "../support/objects.js";
import { staticContext } from "../support/static-view.js";

function gangPod(schedulerName?: string): Pod {
  const pod: Pod = {
    metadata: { name: "p", annotations: { "scheduling.k8s.io/group-name": "g" } },
    spec: { containers: [{ name: "c" }] },
  };
  if (schedulerName !== undefined) pod.spec!.schedulerName = schedulerName;
  return pod;
}

describe("routing gang pods to inferplane's scheduler", () => {
  it("sets the scheduler on gang pods that use the default one", () => {
    assert.equal(
      routeGangToScheduler(gangPod("default-scheduler"), "inferplane-scheduler").spec!.schedulerName,
      "inferplane-scheduler",
    );
    assert.equal(routeGangToScheduler(gangPod(), "inferplane-scheduler").spec!.schedulerName, "inferplane-scheduler");
  });

  it("keeps a scheduler the user chose, pods outside gangs, and everything when not configured", () => {
    assert.equal(routeGangToScheduler(gangPod("volcano"), "inferplane-scheduler").spec!.schedulerName, "volcano");
    const plain: Pod = {
      metadata: { name: "p" },
      spec: { containers: [{ name: "c" }], schedulerName: "default-scheduler" },
    };
    assert.equal(routeGangToScheduler(plain, "inferplane-scheduler"), plain);
    const pod = gangPod("default-scheduler");
    assert.equal(routeGangToScheduler(pod, undefined), pod);
  });

  it("applies on admission to ModelInfer gang pods, idempotently", () => {
    const mi = modelInfer("mi", [role("serve", 1, 1)], {
      template: { roles: [role("serve", 1, 1)], gangSchedule: {} },
    });
    const ctx = { ...staticContext([mi]), schedulerName: "inferplane-scheduler" };
    const pod = optedInPod("mi-0-serve-0-1", "mi", "serve");
    pod.spec!.schedulerName = "default-scheduler";
    const request = {
      uid: "u",
      kind: { group: "", version: "v1", kind: "Pod" },
      operation: "CREATE" as const,
      namespace: "default",
      object: pod,
    };
    const first = processMutation(request, ctx);
    const result = applyPatch(pod, JSON.parse(Buffer.from(first.response.patch!, "base64").toString()) as Operation[]);
    assert.equal(result.spec!.schedulerName, "inferplane-scheduler");
    assert.equal(processMutation({ ...request, object: result }, ctx).response.patch, undefined);
  });
});
