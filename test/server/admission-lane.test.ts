// Large admission bodies are answered in a worker thread from a mirror of the view: its answers
// must be the event loop's, byte for byte, for every request a webhook acts on.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { kindLabel, sniffKind, sniffUid, type AdmissionRequest } from "../../webhooks/admission-review.js";
import { answerAdmission, type Webhook } from "../../src/server/admission-answer.js";
import { AdmissionLane, LANE_KINDS } from "../../src/server/admission-lane.js";
import { capturedRequest, EXAMPLES, examplesContext, review } from "../support/fixtures.js";

function podReview(file: string, uid: string): Record<string, unknown> {
  const pod = parse(readFileSync(join(EXAMPLES, file), "utf8")) as { metadata: { name: string; namespace?: string } };
  return review({
    uid,
    kind: { group: "", version: "v1", kind: "Pod" },
    resource: { group: "", version: "v1", resource: "pods" },
    namespace: pod.metadata.namespace ?? "default",
    name: pod.metadata.name,
    operation: "CREATE",
    object: pod,
  });
}

const REVIEWS: [string, Record<string, unknown>][] = [
  [
    "the README's worker pod",
    JSON.parse(readFileSync(join(EXAMPLES, "admission", "mutate-worker-pod.json"), "utf8")) as Record<string, unknown>,
  ],
  ["a captured pod CREATE", review(capturedRequest("admission-create-pod"))],
  ["a captured pod DELETE", review(capturedRequest("admission-delete-pod"))],
  ["a captured Deployment", review(capturedRequest("admission-create-deployment"))],
  ["a ModelInfer worker pod", podReview("pods/llama-405b-worker.yaml", "w")],
  ["a ModelInfer entry pod", podReview("pods/sample-decode-entry.yaml", "e")],
  ["a pod with a MIG GPUPool, token cache and PD role", podReview("gpu/pods/llama3-prefill-mig.yaml", "g")],
];

describe("admission in a worker thread answers as the event loop does", function () {
  this.timeout(60_000);
  let lane: AdmissionLane;
  let ctx: Awaited<ReturnType<typeof examplesContext>>;
  before(async () => {
    ctx = await examplesContext();
    lane = new AdmissionLane({
      view: ctx.view,
      excludedNamespaces: ctx.policy.excludedNamespaces,
      schedulerName: undefined,
      queue: 8,
      heapMib: 48,
      timeoutMs: 30_000,
    });
  });
  after(async () => {
    await lane.close();
  });

  for (const [what, body] of REVIEWS) {
    for (const webhook of ["mutate", "validate"] as Webhook[]) {
      it(`${webhook}: ${what}`, async () => {
        const bytes = Buffer.from(JSON.stringify(body));
        const request = (body as { request: AdmissionRequest }).request;
        assert.ok(LANE_KINDS.has(kindLabel(request.kind)), "a kind the worker answers");
        assert.equal(sniffKind(bytes), kindLabel(request.kind));
        assert.equal(sniffUid(bytes), request.uid);
        const inline = answerAdmission(webhook, bytes, ctx);
        const worker = await lane.answer(webhook, Buffer.from(bytes));
        assert.deepEqual([worker.status, worker.body, worker.labels], [inline.status, inline.body, inline.labels]);
      });
    }
  }
});
