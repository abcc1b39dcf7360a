import { strict as assert } from "node:assert";
import { BadReviewError, parseAdmissionReview, reviewReply } from "../../webhooks/admission-review.js";
import { encodePatch, jsonPatch } from "../../webhooks/patch.js";
import { capturedRequest, review } from "../support/fixtures.js";

describe("AdmissionReview", () => {
  it("parses the captured requests, tolerating oldObject {} and options null", () => {
    for (const name of ["admission-create-pod", "admission-create-deployment", "admission-delete-pod"]) {
      const request = parseAdmissionReview(review(capturedRequest(name)));
      assert.equal(typeof request.uid, "string");
    }
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ["a non-object", [1, 2], /not a JSON object/],
    ["a wrong apiVersion", { ...review({ uid: "u", operation: "CREATE", kind: { kind: "Pod", version: "v1" } }), apiVersion: "admission.k8s.io/v1beta1" }, /apiVersion must be admission.k8s.io\/v1/],
    ["a wrong kind", { ...review({}), kind: "Pod" }, /kind must be AdmissionReview/],
    ["no request", { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview" }, /request is missing/],
    ["no uid", review({ operation: "CREATE", kind: { kind: "Pod", version: "v1" } }), /request.uid is missing/],
    ["a bad operation", review({ uid: "u", operation: "PATCH", kind: { kind: "Pod", version: "v1" } }), /operation must be/],
    ["a bad kind", review({ uid: "u", operation: "CREATE", kind: "Pod" }), /request.kind must be/],
  ];
  for (const [what, body, message] of bad) {
    it(`rejects ${what} with a one-line reason`, () => {
      assert.throws(() => parseAdmissionReview(body), (err: unknown) => err instanceof BadReviewError && message.test(err.message) && !err.message.includes("\n"));
    });
  }

  it("replies with the review's apiVersion/kind, echoes the uid and drops empty fields", () => {
    assert.deepEqual(reviewReply({ uid: "abc", allowed: true, warnings: [] }), {
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      response: { uid: "abc", allowed: true },
    });
    const withPatch = reviewReply({ uid: "abc", allowed: true, patch: "W10=" });
    assert.equal(withPatch.response.patchType, "JSONPatch");
  });

  it("escapes / and ~ in patch paths and sends no patch for no change", () => {
    const ops = jsonPatch({ metadata: { labels: {} } }, { metadata: { labels: { "a.io/b": "1", "c~d": "2" } } });
    assert.deepEqual(ops.map((o) => o.path).sort(), ["/metadata/labels/a.io~1b", "/metadata/labels/c~0d"]);
    assert.equal(encodePatch(jsonPatch({ a: 1 }, { a: 1 })), undefined);
  });
});
