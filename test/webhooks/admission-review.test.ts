import { strict as assert } from "node:assert";
import { BadReviewError, parseAdmissionReview, reviewReply } from "../../webhooks/admission-review.js";
import fc from "fast-check";
import fastJsonPatch from "fast-json-patch";
import { applyPatch, encodePatch, jsonPatch } from "../../webhooks/patch.js";
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
    [
      "a wrong apiVersion",
      {
        ...review({ uid: "u", operation: "CREATE", kind: { kind: "Pod", version: "v1" } }),
        apiVersion: "admission.k8s.io/v1beta1",
      },
      /apiVersion must be admission.k8s.io\/v1/,
    ],
    ["a wrong kind", { ...review({}), kind: "Pod" }, /kind must be AdmissionReview/],
    ["no request", { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview" }, /request is missing/],
    ["no uid", review({ operation: "CREATE", kind: { kind: "Pod", version: "v1" } }), /request.uid is missing/],
    [
      "a bad operation",
      review({ uid: "u", operation: "PATCH", kind: { kind: "Pod", version: "v1" } }),
      /operation must be/,
    ],
    ["a bad kind", review({ uid: "u", operation: "CREATE", kind: "Pod" }), /request.kind must be/],
  ];
  for (const [what, body, message] of bad) {
    it(`rejects ${what} with a one-line reason`, () => {
      assert.throws(
        () => parseAdmissionReview(body),
        (err: unknown) => err instanceof BadReviewError && message.test(err.message) && !err.message.includes("\n"),
      );
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

describe("jsonPatch", () => {
  it("property: the same operations as fast-json-patch's compare, and applying them gives the mutated document", () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.constantFrom(null, true, 0, 1, "a", "b/c", "d~e"),
        fc.array(tie("value"), { maxLength: 4 }),
        fc.dictionary(fc.constantFrom("a", "b", "x/y", "t~1", "env"), tie("value"), {
          maxKeys: 4,
          noNullPrototype: true,
        }),
      ),
    })).value;
    const doc = fc.dictionary(fc.constantFrom("metadata", "spec", "a/b"), json, { maxKeys: 3, noNullPrototype: true });
    fc.assert(
      fc.property(doc, doc, (before, after) => {
        const ours = jsonPatch(before, after);
        assert.deepEqual(JSON.parse(JSON.stringify(ours)), fastJsonPatch.compare(before, after));
        assert.deepEqual(applyPatch(before, ours), after);
      }),
      { numRuns: 500 },
    );
  });
});
