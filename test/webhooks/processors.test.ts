import { strict as assert } from "node:assert";
import type { Operation } from "fast-json-patch";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { AdmissionRequest, AdmissionResponse } from "../../webhooks/admission-review.js";
import { processMutation } from "../../webhooks/mutate-processor.js";
import { applyPatch } from "../../webhooks/patch.js";
import { processValidation } from "../../webhooks/validate-processor.js";
import { capturedRequest } from "../support/fixtures.js";
import { modelInfer, role } from "../support/objects.js";
import { assertValidKubernetes } from "../support/schema.js";
import { staticContext } from "../support/static-view.js";

const ctx = staticContext([modelInfer("podinfo", [role("serve", 1, 2)])]);

function decode(response: AdmissionResponse): Operation[] {
  return response.patch ? (JSON.parse(Buffer.from(response.patch, "base64").toString()) as Operation[]) : [];
}

/** The captured ReplicaSet pod, opted in as worker 2 of ModelInfer podinfo. */
function optedInCapturedPod(): AdmissionRequest {
  const request = capturedRequest("admission-create-pod");
  const pod = request.object as Pod;
  pod.metadata!.name = "podinfo-0-serve-0-2";
  Object.assign(pod.metadata!.labels!, {
    "inference.ai/managed": "true",
    "modelinfer.matrixinfer.ai/name": "podinfo",
    "modelinfer.matrixinfer.ai/role": "serve",
  });
  return request;
}

describe("mutating webhook on captured apiserver requests", () => {
  it("passes a pod that did not opt in untouched", () => {
    const result = processMutation(capturedRequest("admission-create-pod"), ctx);
    assert.deepEqual(result.response, { uid: "af5c3d45-72b8-11eb-a3a3-0242ac130003", allowed: true });
    assert.equal(result.outcome, "skipped");
  });

  it("passes a DELETE (object null, oldObject set)", () => {
    const result = processMutation(capturedRequest("admission-delete-pod"), ctx);
    assert.equal(result.response.allowed, true);
    assert.equal(result.response.patch, undefined);
  });

  it("enhances an opted-in pod with every apiserver default in place; the patch applies and the pod stays valid", () => {
    const request = optedInCapturedPod();
    const result = processMutation(request, ctx);
    assert.equal(result.outcome, "patched");
    const ops = decode(result.response);
    const pod = applyPatch(request.object as Pod, ops);
    const engine = pod.spec!.containers[0]!;
    assert.deepEqual(engine.env?.slice(-3), [
      { name: "GROUP_SIZE", value: "3" },
      { name: "ENTRY_ADDRESS", value: "podinfo-0-serve-0-0.podinfo-0-serve-0-0.default" },
      { name: "WORKER_INDEX", value: "2" },
    ]);
    assert.deepEqual(engine.env[0], { name: "PODINFO_UI_COLOR", value: "#34577c" }, "the user's env stays first");
    assert.ok(
      ops.every((op) => op.op === "add"),
      "only adds: other webhooks' changes survive",
    );
    assert.ok(
      ops.some((op) => op.path === "/metadata/labels/modelinfer.matrixinfer.ai~1group-name"),
      "label keys are escaped",
    );
    assertValidKubernetes(pod);
    const again = processMutation({ ...request, object: pod }, ctx);
    assert.equal(again.response.patch, undefined, "reinvocation yields no patch");
    assert.equal(again.outcome, "allowed");
  });

  it("answers dryRun exactly like a real request", () => {
    const request = optedInCapturedPod();
    assert.deepEqual(
      processMutation({ ...request, dryRun: true }, ctx).response,
      processMutation(request, ctx).response,
    );
  });

  it("leaves pods in kube-system, the release namespace and mirror pods alone", () => {
    for (const namespace of ["kube-system", "inferplane-system"]) {
      assert.equal(processMutation({ ...optedInCapturedPod(), namespace }, ctx).outcome, "skipped");
    }
    const mirror = optedInCapturedPod();
    (mirror.object as Pod).metadata!.annotations!["kubernetes.io/config.mirror"] = "abc";
    assert.equal(processMutation(mirror, ctx).outcome, "skipped");
  });

  it("does not mutate pods on UPDATE (their spec is immutable)", () => {
    assert.equal(processMutation({ ...optedInCapturedPod(), operation: "UPDATE" }, ctx).outcome, "skipped");
  });

  it("denies 403 with a message naming the object, the field and the fix when the ModelInfer is unknown", () => {
    const request = optedInCapturedPod();
    (request.object as Pod).metadata!.labels!["modelinfer.matrixinfer.ai/name"] = "missing";
    (request.object as Pod).metadata!.name = "missing-0-serve-0-0";
    const { response } = processMutation(request, ctx);
    assert.equal(response.allowed, false);
    assert.equal(response.status?.code, 403);
    assert.equal(
      response.status.message,
      "Pod default/missing-0-serve-0-0 is forbidden: metadata.labels[modelinfer.matrixinfer.ai/name]: ModelInfer default/missing not found; create it first or fix the label",
    );
  });

  it("denies with 503 until the cluster view has synced", () => {
    const { response } = processMutation(optedInCapturedPod(), staticContext([], false));
    assert.equal(response.status?.code, 503);
  });
});

describe("validating webhook", () => {
  it("warns about an opted-in Deployment that asks for a multi-pod role", () => {
    const request = capturedRequest("admission-create-deployment");
    const deployment = request.object as { metadata: { labels: Record<string, string> }; spec: { replicas: number } };
    Object.assign(deployment.metadata.labels, {
      "inference.ai/managed": "true",
      "modelinfer.matrixinfer.ai/role": "serve",
    });
    deployment.spec.replicas = 3;
    const { response } = processValidation(request, ctx);
    assert.equal(response.allowed, true);
    assert.equal(response.warnings?.length, 1);
    assert.ok(response.warnings[0]!.length < 120, "warnings stay under 120 characters");
    assert.match(response.warnings[0]!, /use a StatefulSet/);
    deployment.spec.replicas = 1;
    assert.deepEqual(processValidation(request, ctx).response.warnings ?? [], []);
  });

  it("ignores the captured Deployment, which did not opt in", () => {
    assert.equal(processValidation(capturedRequest("admission-create-deployment"), ctx).outcome, "skipped");
  });

  it("denies an opted-in pod the mutating webhook could not place", () => {
    const request = optedInCapturedPod();
    (request.object as Pod).metadata!.name = "podinfo-0-serve-0-9";
    const { response } = processValidation(request, ctx);
    assert.equal(response.allowed, false);
    assert.equal(response.status?.code, 403);
  });
});
