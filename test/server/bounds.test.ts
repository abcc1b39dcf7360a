// Bounded work (issue 13): requests beyond the in-flight budget are answered at once in their
// caller's format; every connection phase has a deadline; connections have a cap; optimizer work
// has a queue; no input grows /metrics. No timing is asserted: each test waits for an event.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { connect } from "node:net";
import type { AdmissionReviewReply } from "../../webhooks/admission-review.js";
import { REPO_ROOT, review } from "../support/fixtures.js";
import { httpGet } from "../support/https-client.js";
import { largeSystemData } from "../support/inferno.js";
import { RawTlsClient } from "../support/raw-client.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const MIB = 1024 * 1024;
const workerPod = (uid: string): string => {
  const body = JSON.parse(readFileSync(join(REPO_ROOT, "examples", "admission", "mutate-worker-pod.json"), "utf8")) as {
    request: { uid: string };
  };
  body.request.uid = uid;
  return JSON.stringify(body);
};

/** A request whose headers are sent and whose body never finishes: it holds its place in flight. */
async function holdOpen(t: TestServer, path: string, declared: number, firstBytes: string): Promise<RawTlsClient> {
  const raw = new RawTlsClient(t.server.webhookPort, t.server.certificates.bundle.caCert);
  await raw.connected;
  raw.head("POST", path, { "content-type": "application/json", "content-length": declared });
  raw.write(firstBytes);
  return raw;
}

describe("bounds: in flight", function () {
  this.timeout(30_000);
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ "max-requests-in-flight": "1", "max-body-mib-in-flight": "4" });
  });
  after(async () => {
    await t.close();
  });

  it("beyond the request bound, admission is denied at once with 429, echoing the uid; then serves again", async () => {
    const held = await holdOpen(t, "/mutate", 10_000, '{"apiVersion":"admission.k8s.io/v1"');
    try {
      const reply = await t.client.post("/mutate", workerPod("second"));
      assert.equal(reply.status, 200);
      const response = (JSON.parse(reply.body) as AdmissionReviewReply).response;
      assert.deepEqual([response.uid, response.allowed, response.status?.code], ["second", false, 429]);
      assert.match(response.status?.message ?? "", /at its limit of 1 admission requests in flight/);
    } finally {
      held.close();
    }
    // Served again once the server has seen the held connection go.
    let after = await t.client.postJson("/mutate", JSON.parse(workerPod("third")));
    while ((after.json as AdmissionReviewReply).response.status?.code === 429)
      after = await t.client.postJson("/mutate", JSON.parse(workerPod("third")));
    assert.equal((after.json as AdmissionReviewReply).response.allowed, true);
  });

  it("the extender answers 200 with Error (filter, bind) and no opinion (prioritize) beyond its own bound", async () => {
    const held = await holdOpen(t, "/scheduler/filter", 10_000, "{");
    try {
      const filter = await t.client.postJson("/scheduler/filter", { Pod: {}, NodeNames: ["a"] });
      assert.equal(filter.status, 200);
      assert.match((filter.json as { Error: string }).Error, /extender is at its limit of 1 requests in flight/);
      const prioritize = await t.client.postJson("/scheduler/prioritize", { Pod: {}, NodeNames: ["a"] });
      assert.deepEqual([prioritize.status, prioritize.json], [200, []]);
      // Admission has a budget of its own: the extender's load does not refuse it.
      const admission = await t.client.postJson("/mutate", JSON.parse(workerPod("own-budget")));
      assert.equal((admission.json as AdmissionReviewReply).response.allowed, true);
    } finally {
      held.close();
      await held.closed;
    }
  });
});

describe("bounds: body bytes in flight", function () {
  this.timeout(30_000);
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ "max-body-mib-in-flight": "4" });
  });
  after(async () => {
    await t.close();
  });

  it("a second large body is refused while a small one passes", async () => {
    const held = await holdOpen(t, "/mutate", 3 * MIB - 1, '{"apiVersion":"admission.k8s.io/v1"');
    try {
      const big = new RawTlsClient(t.server.webhookPort, t.server.certificates.bundle.caCert);
      await big.connected;
      const head = '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"big-2",';
      big.head("POST", "/mutate", { "content-type": "application/json", "content-length": 2 * MIB });
      big.write(head);
      const refused = await big.reply();
      big.close();
      assert.ok(refused);
      const response = (JSON.parse(refused.body) as AdmissionReviewReply).response;
      assert.deepEqual([response.uid, response.allowed, response.status?.code], ["big-2", false, 429]);
      assert.match(response.status?.message ?? "", /4 MiB of admission request bodies/);
      assert.equal(refused.headers.connection, "close", "the rest of its body is not read");
      const small = await t.client.postJson("/mutate", JSON.parse(workerPod("small")));
      assert.equal((small.json as AdmissionReviewReply).response.allowed, true);
    } finally {
      held.close();
    }
  });
});

describe("bounds: deadlines and connection caps", function () {
  this.timeout(30_000);
  let t: TestServer;
  before(async () => {
    t = await startTestServer({
      "request-timeout-ms": "300",
      "headers-timeout-ms": "200",
      "tls-handshake-timeout-ms": "200",
      "idle-timeout-ms": "200",
      "max-connections-per-client": "3",
    });
  });
  after(async () => {
    await t.close();
  });
  const ca = (): string => t.server.certificates.bundle.caCert;

  it("cuts a body sent a byte at a time at the request deadline, with 408", async () => {
    const raw = new RawTlsClient(t.server.webhookPort, ca());
    await raw.connected;
    raw.head("POST", "/mutate", { "content-type": "application/json", "content-length": 1000 });
    const drip = setInterval(() => {
      if (!raw.socket.destroyed) raw.write("{");
    }, 50);
    try {
      const reply = await raw.reply();
      await raw.closed;
      assert.equal(reply?.status, 408);
    } finally {
      clearInterval(drip);
    }
  });

  it("closes a connection whose headers never end, and one that never finishes its TLS handshake", async () => {
    const raw = new RawTlsClient(t.server.webhookPort, ca());
    await raw.connected;
    raw.write("POST /mutate HTTP/1.1\r\nhost: localhost\r\n");
    await raw.closed;
    const tcp = connect(t.server.webhookPort, "127.0.0.1");
    await new Promise<void>((resolve) => {
      tcp.once("close", () => {
        resolve();
      });
    });
  });

  it("closes idle keep-alive connections after the idle timeout", async () => {
    const raw = new RawTlsClient(t.server.webhookPort, ca());
    await raw.connected;
    const body = workerPod("idle");
    raw.head("POST", "/mutate", { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    raw.write(body);
    assert.equal((await raw.reply())?.status, 200);
    await raw.closed;
  });

  it("refuses a client's connections beyond its cap, and counts them", async () => {
    const open = await Promise.all(
      [0, 1, 2].map(async () => {
        const raw = new RawTlsClient(t.server.webhookPort, ca());
        await raw.connected;
        return raw;
      }),
    );
    try {
      const extra = new RawTlsClient(t.server.webhookPort, ca());
      await extra.closed;
      await assert.rejects(extra.connected);
    } finally {
      for (const raw of open) raw.close();
    }
    const metrics = await httpGet(t.server.metricsPort, "/metrics");
    assert.match(
      metrics.body,
      /inferplane_refused_total\{scope="webhook-listener",reason="client-connections"\} [1-9]/,
    );
  });
});

describe("bounds: the optimizer queue", function () {
  this.timeout(120_000);
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ "optimizer-workers": "1", "optimizer-queue": "0" });
  });
  after(async () => {
    await t.close();
  });

  it("answers 429 with Retry-After while its one worker solves, before reading the body", async () => {
    const data = largeSystemData(36);
    const first = t.optimizer.postJson("/optimizer/solve?solver=unlimited", data);
    // Until the first is taken by the worker, a second would be queued or refused; wait for the refusal.
    let second = await t.optimizer.postJson("/optimizer/solve?solver=unlimited", data);
    while (second.status === 200) second = await t.optimizer.postJson("/optimizer/solve?solver=unlimited", data);
    assert.equal(second.status, 429, second.body);
    assert.match(second.body, /the optimizer is busy/);
    assert.ok(Number(second.headers["retry-after"]) >= 1, "Retry-After in seconds");
    assert.equal((await first).status, 200);
  });
});

describe("bounds: closed label sets", function () {
  this.timeout(60_000);
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  /** The series of inferplane's own metrics (the process metrics vary on their own). */
  const series = async (): Promise<string[]> =>
    (await httpGet(t.server.metricsPort, "/metrics")).body
      .split("\n")
      .filter((l) => /^inferplane_(admission|extender|optimizer|refused)/.test(l))
      .map((l) => l.slice(0, l.lastIndexOf(" ")));

  const unique = async (i: number): Promise<void> => {
    const request = {
      uid: `u${i}`,
      kind: { group: `g${i}.evil.io`, version: `v${i}`, kind: `Kind${i}` },
      operation: "CREATE",
      namespace: `ns${i}`,
      object: { metadata: { name: `n${i}` } },
    };
    await t.client.postJson(i % 2 ? "/mutate" : "/validate", review(request));
    await t.client.postJson("/scheduler/filter", { Pod: { metadata: { name: `p${i}` } }, NodeNames: [`n${i}`] });
    await t.optimizer.post(`/optimizer/solve?solver=s${i}`, "{}");
    await t.client.post(`/unknown/${i}`, "{}");
  };

  it("requests with 200 distinct kinds, names and paths add no series after the first", async () => {
    await unique(0);
    await unique(1);
    const before = await series();
    for (let i = 2; i < 200; i++) await unique(i);
    assert.deepEqual(await series(), before);
    assert.ok(
      before.some((l) => l.includes('kind="other"')),
      "unknown kinds count as other",
    );
  });
});
