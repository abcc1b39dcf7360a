import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Operation } from "fast-json-patch";
import type { Pod } from "kubernetes-types/core/v1.js";
import { parse } from "yaml";
import type { AdmissionReviewReply } from "../../webhooks/admission-review.js";
import { applyPatch } from "../../webhooks/patch.js";
import { createTlsServer, KEEP_ALIVE_TIMEOUT_MS } from "../../src/server/listen.js";
import { capturedRequest, EXAMPLES, review } from "../support/fixtures.js";
import { httpGet } from "../support/https-client.js";
import { assertValidKubernetes } from "../support/schema.js";
import { loopbackFlags, startTestServer, type TestServer } from "../support/test-server.js";
import express from "express";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { serveConfig } from "../../src/config.js";
import { silentLogger } from "../../src/logging.js";
import { startServer } from "../../src/serve.js";
import { StaticView } from "../support/static-view.js";

function examplePodReview(file: string, uid = "11111111-2222-3333-4444-555555555555"): Record<string, unknown> {
  const pod = parse(readFileSync(join(EXAMPLES, "pods", file), "utf8")) as Pod;
  return review({
    uid,
    kind: { group: "", version: "v1", kind: "Pod" },
    resource: { group: "", version: "v1", resource: "pods" },
    namespace: "default",
    operation: "CREATE",
    object: pod,
    name: pod.metadata?.name,
  });
}

describe("webhook server over HTTPS", function () {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  it("answers a captured request, echoing uid, apiVersion and kind", async () => {
    const { status, json } = await t.client.postJson("/mutate", review(capturedRequest("admission-create-pod")));
    assert.equal(status, 200);
    assert.deepEqual(json, {
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      response: { uid: "af5c3d45-72b8-11eb-a3a3-0242ac130003", allowed: true },
    });
  });

  it("returns a JSONPatch that applies to the posted pod and gives the ModelInfer env", async () => {
    const body = examplePodReview("llama-405b-worker.yaml");
    const { json } = await t.client.postJson("/mutate", body);
    const reply = json as AdmissionReviewReply;
    assert.equal(reply.response.patchType, "JSONPatch");
    const ops = JSON.parse(Buffer.from(reply.response.patch!, "base64").toString()) as Operation[];
    const pod = applyPatch((body.request as { object: Pod }).object, ops);
    assertValidKubernetes(pod);
    assert.deepEqual(pod.spec!.containers[0]!.env, [
      { name: "GROUP_SIZE", value: "4" },
      { name: "ENTRY_ADDRESS", value: "llama-405b-1-serve-0-0.llama-405b-1-serve-0-0.default" },
      { name: "WORKER_INDEX", value: "2" },
    ]);
  });

  it("serves /validate with warnings", async () => {
    const deployment = parse(readFileSync(join(EXAMPLES, "deployment-single-node.yaml"), "utf8")) as Record<
      string,
      unknown
    >;
    const { json } = await t.client.postJson(
      "/validate",
      review({
        uid: "v1",
        kind: { group: "apps", version: "v1", kind: "Deployment" },
        operation: "CREATE",
        namespace: "default",
        object: deployment,
      }),
    );
    const reply = json as AdmissionReviewReply;
    assert.equal(reply.response.allowed, true);
    assert.match(reply.response.warnings![0]!, /no ordinals/);
  });

  const badBodies: Array<[string, string | Buffer, number, RegExp]> = [
    ["a body that is not JSON", "{not json", 400, /^body is not valid JSON\n$/],
    ["an empty body", "", 400, /^body is empty\n$/],
    [
      "a wrong apiVersion",
      JSON.stringify({ apiVersion: "v1", kind: "AdmissionReview", request: { uid: "x" } }),
      400,
      /^apiVersion must be admission.k8s.io\/v1/,
    ],
    [
      "a wrong kind",
      JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "Pod" }),
      400,
      /^kind must be AdmissionReview/,
    ],
    [
      "a missing request",
      JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview" }),
      400,
      /^request is missing/,
    ],
    [
      "a missing uid",
      JSON.stringify(review({ kind: { kind: "Pod", version: "v1" }, operation: "CREATE" })),
      400,
      /^request.uid is missing/,
    ],
    [
      "a body over 3 MiB",
      Buffer.alloc(3 * 1024 * 1024 + 10, 0x20),
      413,
      /^the request body \(3145738 bytes\) exceeds the limit of 3 MiB$/m,
    ],
  ];
  for (const [what, body, status, reason] of badBodies) {
    it(`answers ${what} with ${status} and a one-line reason, and keeps serving`, async () => {
      const reply = await t.client.post("/mutate", body);
      assert.equal(reply.status, status);
      assert.match(reply.body, reason);
      assert.equal(reply.body.trim().split("\n").length, 1);
      const ok = await t.client.postJson("/mutate", review(capturedRequest("admission-create-pod")));
      assert.equal(ok.status, 200);
    });
  }

  it("has no other routes", async () => {
    assert.equal((await t.client.post("/nope", "{}")).status, 404);
  });

  it("counts requests and latency in Prometheus metrics named inferplane_*", async () => {
    await t.client.postJson("/mutate", examplePodReview("llama-405b-worker.yaml", "m1"));
    const { status, body } = await httpGet(t.server.metricsPort, "/metrics");
    assert.equal(status, 200);
    assert.match(
      body,
      /inferplane_admission_requests_total\{webhook="mutate",kind="Pod",operation="CREATE",outcome="patched"\} [1-9]/,
    );
    assert.match(
      body,
      /inferplane_admission_duration_seconds_bucket\{le="0.005",webhook="mutate",kind="Pod",operation="CREATE",outcome="patched"\}/,
    );
    assert.match(body, /^inferplane_process_cpu_user_seconds_total /m);
    const names = [...body.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]!);
    assert.ok(
      names.length > 5 && names.every((n) => n.startsWith("inferplane_")),
      `all metrics are inferplane_*: ${names.filter((n) => !n.startsWith("inferplane_")).join(",")}`,
    );
  });

  it("is healthy and ready once synced and certified", async () => {
    assert.deepEqual(await httpGet(t.server.metricsPort, "/healthz"), { status: 200, body: "ok\n" });
    assert.deepEqual(await httpGet(t.server.metricsPort, "/readyz"), { status: 200, body: "ok\n" });
  });

  it("keeps apiserver connections alive longer than the apiserver's 90 s idle timeout, and bounds every other phase", () => {
    const server = createTlsServer(express(), {
      cert: t.server.certificates.bundle.cert,
      key: readFileSync(join(t.certDir, "tls.key"), "utf8"),
    });
    assert.ok(server.keepAliveTimeout >= 90_000 && server.keepAliveTimeout === KEEP_ALIVE_TIMEOUT_MS);
    assert.deepEqual(
      [server.headersTimeout, server.requestTimeout, server.maxConnections],
      [10_000, 15_000, 1024],
      "headers in 10 s, the whole request in 15 s (Node's default is 300 s), 1024 connections",
    );
  });
});

describe("readiness", () => {
  it("is not ready while the cluster view has not synced, and says why", async () => {
    const view = new StaticView([], false);
    const certDir = await mkdtemp(join(tmpdir(), "inferplane-certs-"));
    const server = await startServer(serveConfig({ ...loopbackFlags(certDir), manifests: EXAMPLES }, {}), {
      log: silentLogger,
      view,
    });
    try {
      assert.deepEqual(await httpGet(server.metricsPort, "/readyz"), {
        status: 503,
        body: "not ready: cluster view not synced\n",
      });
      assert.equal((await httpGet(server.metricsPort, "/healthz")).status, 200);
    } finally {
      await server.stop();
      await rm(certDir, { recursive: true, force: true });
    }
  });
});
