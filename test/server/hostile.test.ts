// The hostile-input suite (issue 13): what an attacker inside the cluster can send to each port,
// and the answer each must get — in its caller's format, with one status per kind of fault, never
// a 500 and never a crash. Each case is probed over real TLS against the real server.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AdmissionReviewReply } from "../../webhooks/admission-review.js";
import { REPO_ROOT, review } from "../support/fixtures.js";
import { INFERNO } from "../support/inferno.js";
import { RawTlsClient } from "../support/raw-client.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

type Port = "webhook" | "optimizer";

interface HostileCase {
  /** What is sent. */
  attack: string;
  port: Port;
  method?: "GET" | "POST";
  path: string;
  body?: () => string | Buffer;
  /** Sent as headers only, declaring this Content-Length, with no body after them. */
  declaredOnly?: number;
  /** The answer it must get: status, and what its body says. */
  status: number;
  answer: string;
  check: (body: string) => void;
}

const MIB = 1024 * 1024;
const workerPod = (): Record<string, unknown> =>
  JSON.parse(readFileSync(join(REPO_ROOT, "examples", "admission", "mutate-worker-pod.json"), "utf8")) as Record<
    string,
    unknown
  >;
const systemData = (): { system: Record<string, unknown> } =>
  JSON.parse(readFileSync(join(INFERNO, "v1/small", "system-data.json"), "utf8")) as {
    system: Record<string, unknown>;
  };

/** v1/small's system data with its first server's load (or entry) changed. */
function withFirstServer(change: (server: Record<string, unknown>) => void): string {
  const data = systemData();
  const servers = (data.system.serverData as { servers: Record<string, unknown>[] }).servers;
  change(servers[0]!);
  return JSON.stringify(data);
}

function withModels(change: (model: Record<string, unknown>) => void): string {
  const data = systemData();
  for (const model of (data.system.modelData as { models: Record<string, unknown>[] }).models) change(model);
  return JSON.stringify(data);
}

const reviewOf = (request: Record<string, unknown>): string => JSON.stringify(review(request));
const podRequest = (object: unknown, extra: Record<string, unknown> = {}): string =>
  reviewOf({
    uid: "hostile-1",
    kind: { group: "", version: "v1", kind: "Pod" },
    operation: "CREATE",
    namespace: "default",
    object,
    ...extra,
  });

const text = (expected: RegExp) => (body: string) => {
  assert.match(body.trimEnd(), expected);
  assert.equal(body.trim().split("\n").length, 1, "one line");
};
const denied = (code: number, message: RegExp) => (body: string) => {
  const reply = JSON.parse(body) as AdmissionReviewReply;
  assert.equal(reply.response.uid, "hostile-1");
  assert.equal(reply.response.allowed, false);
  assert.equal(reply.response.status?.code, code);
  assert.match(reply.response.status?.message ?? "", message);
};
const allowed = (body: string): void => {
  const reply = JSON.parse(body) as AdmissionReviewReply;
  assert.deepEqual([reply.response.uid, reply.response.allowed], ["hostile-1", true]);
};
const extenderError = (message: RegExp) => (body: string) => {
  const reply = JSON.parse(body) as { Error: string };
  assert.match(reply.Error, message);
};

const CASES: HostileCase[] = [
  // Admission: what is not an AdmissionReview is a 400 with one line; the apiserver never sends it.
  ...(["/mutate", "/validate"] as const).flatMap((path): HostileCase[] => [
    {
      attack: "a body that is not JSON",
      port: "webhook",
      path,
      body: () => "{not json",
      status: 400,
      answer: "body is not valid JSON",
      check: text(/^body is not valid JSON$/),
    },
    {
      attack: "an empty body",
      port: "webhook",
      path,
      body: () => "",
      status: 400,
      answer: "body is empty",
      check: text(/^body is empty$/),
    },
    {
      attack: "JSON nested 100 000 deep",
      port: "webhook",
      path,
      body: () => `${"[".repeat(100_000)}${"]".repeat(100_000)}`,
      status: 400,
      answer: "not an AdmissionReview",
      check: text(/^body is (not valid JSON|not a JSON object)$/),
    },
    {
      attack: "an operation outside the four",
      port: "webhook",
      path,
      body: () => podRequest({}, { operation: "DESTROY" }),
      status: 400,
      answer: "request.operation must be …",
      check: text(/^request.operation must be CREATE, UPDATE, DELETE or CONNECT$/),
    },
  ]),
  {
    attack: "a Content-Length of 17 MiB, sent before any body byte",
    port: "webhook",
    path: "/mutate",
    declaredOnly: 17 * MIB,
    status: 413,
    answer: "413 from the headers, in MiB",
    check: text(/^the request body \(17 MiB\) exceeds the limit of 3 MiB$/),
  },
  {
    attack: "a kind nobody serves, made up per request",
    port: "webhook",
    path: "/mutate",
    body: () => podRequest({ metadata: { name: "x" } }, { kind: { group: "evil.io", version: "v1", kind: "Z1a2b3" } }),
    status: 200,
    answer: "allowed, untouched",
    check: allowed,
  },
  {
    attack: "an opted-in pod whose spec is a string",
    port: "webhook",
    path: "/mutate",
    body: () => podRequest({ metadata: { name: "p", labels: { "inference.ai/managed": "true" } }, spec: "x" }),
    status: 200,
    answer: "an AdmissionReview for its uid",
    check: (body) => {
      assert.equal((JSON.parse(body) as AdmissionReviewReply).response.uid, "hostile-1");
    },
  },
  {
    attack: "an opted-in pod naming a ModelInfer that does not exist",
    port: "webhook",
    path: "/mutate",
    body: () =>
      podRequest({
        metadata: {
          name: "nope-0-decode-0-0",
          labels: {
            "inference.ai/managed": "true",
            "modelinfer.matrixinfer.ai/name": "nope",
            "modelinfer.matrixinfer.ai/role": "decode",
          },
        },
        spec: { containers: [{ name: "c", image: "i" }] },
      }),
    status: 200,
    answer: "denied 403 (refused in this cluster), naming the fix",
    check: denied(403, /ModelInfer default\/nope not found; create it first/),
  },
  {
    attack: "an opted-in pod of 2.7 MiB (answered in the worker thread)",
    port: "webhook",
    path: "/mutate",
    body: () => {
      const body = workerPod();
      const request = body.request as { uid: string; object: { spec: { containers: { env?: unknown[] }[] } } };
      request.uid = "hostile-1";
      request.object.spec.containers[0]!.env = Array.from({ length: 60_000 }, (_, i) => ({
        name: `V${i}`,
        value: "x".repeat(20),
      }));
      return JSON.stringify(body);
    },
    status: 200,
    answer: "allowed, with the ModelInfer patch",
    check: (body) => {
      const reply = JSON.parse(body) as AdmissionReviewReply;
      assert.deepEqual(
        [reply.response.uid, reply.response.allowed, reply.response.patchType],
        ["hostile-1", true, "JSONPatch"],
      );
    },
  },
  // Extender: kube-scheduler reads Error in a 200; a 500 would be reported as a broken extender.
  {
    attack: 'filter {"Pod":{"metadata":{"name":"p"}},"Nodes":{"items":[null]}}',
    port: "webhook",
    path: "/scheduler/filter",
    body: () => '{"Pod":{"metadata":{"name":"p"}},"Nodes":{"items":[null]}}',
    status: 200,
    answer: "Error naming Nodes.items",
    check: extenderError(/^Nodes.items must hold Node objects$/),
  },
  {
    attack: "filter with a body that is not JSON",
    port: "webhook",
    path: "/scheduler/filter",
    body: () => "<xml/>",
    status: 200,
    answer: "Error",
    check: extenderError(/^the request body is not valid JSON$/),
  },
  {
    attack: "filter with NodeNames of numbers",
    port: "webhook",
    path: "/scheduler/filter",
    body: () => JSON.stringify({ Pod: {}, NodeNames: [1, 2] }),
    status: 200,
    answer: "Error",
    check: extenderError(/^NodeNames must be an array of strings$/),
  },
  {
    attack: "filter with a Pod whose spec is a number",
    port: "webhook",
    path: "/scheduler/filter",
    body: () => JSON.stringify({ Pod: { metadata: { name: "p" }, spec: 7 }, NodeNames: ["r0-n0"] }),
    status: 200,
    answer: "a filter result (Error or not), never a 500",
    check: (body) => {
      assert.equal(typeof (JSON.parse(body) as { Error: unknown }).Error, "string");
    },
  },
  {
    attack: "filter with 17 MiB of Nodes declared",
    port: "webhook",
    path: "/scheduler/filter",
    declaredOnly: 17 * MIB,
    status: 200,
    answer: "Error: over 3 MiB, use nodeCacheCapable",
    check: extenderError(/exceeds the limit of 3 MiB; with nodeCacheCapable: true the scheduler sends node names/),
  },
  {
    attack: "prioritize with a body that is not JSON",
    port: "webhook",
    path: "/scheduler/prioritize",
    body: () => "[",
    status: 400,
    answer: "400 (HostPriorityList has no Error field)",
    check: text(/^the request body is not valid JSON$/),
  },
  {
    attack: "bind with no pod named",
    port: "webhook",
    path: "/scheduler/bind",
    body: () => "{}",
    status: 200,
    answer: "Error",
    check: extenderError(/^PodName is missing$/),
  },
  {
    attack: "a path nobody serves",
    port: "webhook",
    path: "/../../etc/passwd",
    body: () => "{}",
    status: 404,
    answer: "not found, naming the paths",
    check: text(/^not found: use POST \/mutate/),
  },
  // Optimizer: bad data 400, too large 413 (in MiB, naming the flag), never a 500.
  {
    attack: "an arrivalRate of 1e308",
    port: "optimizer",
    path: "/optimizer/solve",
    body: () =>
      withFirstServer((s) => {
        (s.currentAlloc as { load: { arrivalRate: number } }).load.arrivalRate = 1e308;
      }),
    status: 400,
    answer: "400 naming the field",
    check: text(/currentAlloc\.load\.arrivalRate: must be at most 1000000000000, got 1e\+308$/),
  },
  {
    attack: "an arrivalRate of 1e9 requests/minute",
    port: "optimizer",
    path: "/optimizer/solve",
    body: () =>
      withFirstServer((s) => {
        (s.currentAlloc as { load: { arrivalRate: number } }).load.arrivalRate = 1e9;
      }),
    status: 400,
    answer: "400: beyond 10 M requests/minute",
    check: text(/arrivalRate: 1000000000 requests\/minute is beyond the 10000000 this optimizer accepts$/),
  },
  {
    attack: "a maxBatchSize of a billion (a queue model of 80 GB)",
    port: "optimizer",
    path: "/optimizer/solve",
    body: () =>
      withModels((m) => {
        m.maxBatchSize = 1e9;
      }),
    status: 400,
    answer: "400 naming the entry",
    check: text(/maxBatchSize: 1000000000 requests is beyond the 4096 this optimizer accepts$/),
  },
  {
    attack: "atTokens that make the batch a billion",
    port: "optimizer",
    path: "/optimizer/solve",
    body: () =>
      withModels((m) => {
        m.atTokens = 9_000_000;
      }),
    status: 400,
    answer: "400 naming the server and accelerator",
    check: text(/^server \S+ on \S+: a batch of \d+ .* is beyond 4096; check maxBatchSize and atTokens/),
  },
  {
    attack: "1001 servers",
    port: "optimizer",
    path: "/optimizer/solve",
    body: () => {
      const data = systemData();
      const servers = (data.system.serverData as { servers: Record<string, unknown>[] }).servers;
      (data.system.serverData as { servers: unknown[] }).servers = Array.from({ length: 1001 }, (_, i) => ({
        ...servers[i % servers.length]!,
        name: `s${i}`,
      }));
      return JSON.stringify(data);
    },
    status: 413,
    answer: "413 naming the flag",
    check: text(/^1001 servers exceed the limit of 1000 \(--optimizer-max-servers\)$/),
  },
  {
    attack: "a 17 MiB body declared",
    port: "optimizer",
    path: "/optimizer/solve",
    declaredOnly: 17 * MIB,
    status: 413,
    answer: "413 in MiB, naming the flag",
    check: text(/^the request body \(17 MiB\) exceeds the limit of 1 MiB \(--optimizer-max-body-mib\)$/),
  },
  {
    attack: "a body that is not JSON",
    port: "optimizer",
    path: "/optimizer/solve",
    body: () => "{",
    status: 400,
    answer: "400",
    check: text(/^body: not valid JSON: /),
  },
  {
    attack: "a solver that does not exist",
    port: "optimizer",
    path: "/optimizer/solve?solver=cplex",
    body: () => JSON.stringify(systemData()),
    status: 400,
    answer: "400 naming the solvers",
    check: text(/^query: solver must be one of unlimited, greedy, milp, budgeted$/),
  },
];

describe("hostile inputs: every port answers in its caller's format, never 500", function () {
  this.timeout(60_000);
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  async function send(c: HostileCase): Promise<{ status: number; body: string }> {
    const port = c.port === "webhook" ? t.server.webhookPort : t.server.optimizerPort;
    if (c.declaredOnly === undefined) {
      const client = c.port === "webhook" ? t.client : t.optimizer;
      const reply = c.method === "GET" ? await client.get(c.path) : await client.post(c.path, c.body?.() ?? "");
      return { status: reply.status, body: reply.body };
    }
    const raw = new RawTlsClient(port, t.server.certificates.bundle.caCert);
    try {
      await raw.connected;
      raw.head("POST", c.path, { "content-type": "application/json", "content-length": c.declaredOnly });
      const reply = await raw.reply();
      assert.ok(reply, "answered before any body byte");
      assert.equal(reply.headers.connection, "close", "and the connection closed rather than read 17 MiB");
      return reply;
    } finally {
      raw.close();
    }
  }

  for (const c of CASES) {
    it(`${c.port} ${c.path}: ${c.attack} → ${c.status}, ${c.answer}`, async () => {
      const reply = await send(c);
      assert.equal(reply.status, c.status, reply.body);
      c.check(reply.body);
    });
  }

  it("still answers a plain mutate after all of them", async () => {
    const reply = await t.client.postJson("/mutate", workerPod());
    assert.equal(reply.status, 200);
    assert.equal((reply.json as AdmissionReviewReply).response.allowed, true);
  });
});
