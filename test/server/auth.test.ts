// Who may act (issue 13): in a cluster /optimizer/* and /invoke need a bearer token that
// TokenReview accepts and SubjectAccessReview allows by the chart's RBAC; the extender accepts
// kube-scheduler by the client certificate the chart issues. Standalone stays open, and says so.
import { strict as assert } from "node:assert";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import type { Secret } from "kubernetes-types/core/v1.js";
import { generateCA, generateClientCert, generateServingCert } from "../../certs/generate.js";
import { serveConfig } from "../../src/config.js";
import { ApiBinder } from "../../scheduler-extender/api-binder.js";
import { createLogger, silentLogger } from "../../src/logging.js";
import { startServer, type RunningServer } from "../../src/serve.js";
import { schedulerIdentityProblem } from "../../src/server/client-cert.js";
import { createTlsServer, listen } from "../../src/server/listen.js";
import { ApiDouble, type StoredObject } from "../support/api-double.js";
import { serviceAccountUser } from "../support/api-double-reviews.js";
import { find, template } from "../support/chart.js";
import { VerifyingClient, type HttpReply } from "../support/https-client.js";
import { loopbackFlags, startTestServer } from "../support/test-server.js";
import { staticView } from "../support/static-view.js";

const NS = "inferplane-system";
const SERVICE = "rel-inferplane";
const HOST = `${SERVICE}.${NS}.svc`;
const pem = (secret: Secret, key: string): string => Buffer.from(secret.data![key]!, "base64").toString();

describe("authentication in a cluster (chart certificates and RBAC, API double)", function () {
  this.timeout(60_000);
  const api = new ApiDouble();
  let server: RunningServer;
  let certDir: string;
  let ca: string;
  let scheduler: { cert: string; key: string };
  const clients: VerifyingClient[] = [];
  const client = (port: number, identity?: { cert: string; key: string }): VerifyingClient => {
    const c = new VerifyingClient(port, ca, HOST, identity);
    clients.push(c);
    return c;
  };

  before(async () => {
    await api.start();
    const rendered = template(
      "--set",
      "optimizer.clients[0].kind=ServiceAccount",
      "--set",
      "optimizer.clients[0].name=autoscaler",
      "--set",
      "optimizer.clients[0].namespace=serving",
    );
    // The chart's RBAC, as the apiserver would hold it.
    for (const [kind, resource] of [
      ["Role", "roles"],
      ["RoleBinding", "rolebindings"],
      ["ClusterRole", "clusterroles"],
      ["ClusterRoleBinding", "clusterrolebindings"],
    ] as const)
      for (const obj of rendered.filter((o) => o.kind === kind))
        api.create(`rbac.authorization.k8s.io/v1/${resource}`, obj as unknown as StoredObject);
    api.reviews.addToken("autoscaler-token", serviceAccountUser("serving", "autoscaler"));
    api.reviews.addToken("intruder-token", serviceAccountUser("serving", "intruder"));
    api.create("v1/pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "ml", uid: "uid-p" },
      spec: {},
    });
    // The chart's certificates, mounted as its Secrets would be (no ca.key: the server cannot issue any).
    const tls = find<Secret>(rendered, "Secret", `${SERVICE}-webhook-tls`);
    const client = find<Secret>(rendered, "Secret", `${SERVICE}-scheduler-client`);
    certDir = await mkdtemp(join(tmpdir(), "inferplane-auth-"));
    for (const file of ["ca.crt", "tls.crt", "tls.key"]) await writeFile(join(certDir, file), pem(tls, file));
    ca = pem(tls, "ca.crt");
    scheduler = { cert: pem(client, "tls.crt"), key: pem(client, "tls.key") };
    const flags = {
      ...loopbackFlags(certDir),
      "service-name": SERVICE,
      namespace: NS,
      "disable-controller": true,
      "extender-bind": true,
    };
    const config = serveConfig(flags, { KUBERNETES_SERVICE_HOST: "10.0.0.1" });
    assert.equal(config.manifests, undefined, "cluster mode");
    server = await startServer(config, {
      log: silentLogger,
      kubeconfig: api.kubeConfig(),
      view: staticView([]),
      binder: new ApiBinder(api.kubeConfig()),
    });
  });
  after(async () => {
    for (const c of clients) c.close();
    await server.stop();
    await api.stop();
    await rm(certDir, { recursive: true, force: true });
  });

  it("/optimizer/solve: 401 without a token or with one TokenReview rejects, 403 for a user the chart does not bind, through for one it binds", async () => {
    const optimizer = client(server.optimizerPort);
    const solve = (headers: Record<string, string>): Promise<HttpReply> =>
      optimizer.post("/optimizer/solve", "{}", headers);
    const none = await solve({});
    assert.equal(none.status, 401);
    assert.match(String(none.headers["www-authenticate"]), /^Bearer/);
    assert.equal((await solve({ authorization: "Bearer forged" })).status, 401);
    const intruder = await solve({ authorization: "Bearer intruder-token" });
    assert.equal(intruder.status, 403);
    assert.match(
      intruder.body,
      /system:serviceaccount:serving:intruder may not create services\/proxy rel-inferplane in namespace inferplane-system/,
    );
    const allowed = await solve({ authorization: "Bearer autoscaler-token" });
    assert.equal(allowed.status, 400, "past authentication: the body is checked");
    assert.match(allowed.body, /system: missing/);
  });

  it("GET /invoke: 403 for a user the chart does not bind; through (503: no loop here) for one it binds", async () => {
    const optimizer = client(server.optimizerPort);
    assert.equal((await optimizer.get("/invoke", { authorization: "Bearer intruder-token" })).status, 403);
    assert.equal((await optimizer.get("/invoke", { authorization: "Bearer autoscaler-token" })).status, 503);
  });

  it("the extender accepts kube-scheduler's certificate from the chart, and binds with it", async () => {
    const kubeScheduler = client(server.webhookPort, scheduler);
    const filter = await kubeScheduler.postJson("/scheduler/filter", {
      Pod: { metadata: { name: "x" } },
      NodeNames: ["n1"],
    });
    assert.equal((filter.json as { Error: string }).Error, "");
    const bind = await kubeScheduler.postJson("/scheduler/bind", {
      PodName: "p",
      PodNamespace: "ml",
      PodUID: "uid-p",
      Node: "n1",
    });
    assert.equal((bind.json as { Error: string }).Error, "");
    assert.equal((api.get("v1/pods", "ml", "p")?.spec as { nodeName?: string }).nodeName, "n1");
  });

  it("refuses the extender without a certificate, or with another CA's, saying how kube-scheduler sends one", async () => {
    const otherCa = generateCA("mallory-ca", 1);
    const strangers = [
      client(server.webhookPort),
      client(server.webhookPort, generateClientCert(otherCa, "kube-scheduler", 1)),
    ];
    for (const [stranger, why] of [
      [
        strangers[0]!,
        /needs kube-scheduler's client certificate and none was sent; kube-scheduler sends it from tlsConfig.certData\/keyData/,
      ],
      [strangers[1]!, /CN=kube-scheduler is not issued by inferplane's CA/],
    ] as const) {
      const filter = await stranger.postJson("/scheduler/filter", { Pod: {}, NodeNames: ["n1"] });
      assert.deepEqual([filter.status, (filter.json as { FailedNodes: object }).FailedNodes], [200, {}]);
      assert.match((filter.json as { Error: string }).Error, why);
      const bind = await stranger.postJson("/scheduler/bind", {
        PodName: "q",
        PodNamespace: "ml",
        PodUID: "u",
        Node: "n2",
      });
      assert.match((bind.json as { Error: string }).Error, why);
      const prioritize = await stranger.postJson("/scheduler/prioritize", { Pod: {}, NodeNames: ["n1"] });
      assert.equal(prioritize.status, 403);
    }
  });

  it("admission needs no client certificate (the apiserver sends none)", async () => {
    const apiserver = client(server.webhookPort);
    const reply = await apiserver.postJson("/mutate", {
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      request: { uid: "a", kind: { group: "", version: "v1", kind: "Pod" }, operation: "CREATE", object: {} },
    });
    assert.equal(reply.status, 200);
  });
});

describe("the scheduler's certificate must name it", () => {
  it("a certificate from the trusted CA for another CN is refused (a CA that also issues others, as cert-manager's)", async () => {
    const ca = generateCA("shared-ca", 1);
    const serving = generateServingCert(ca, { dnsNames: ["localhost"], ipAddresses: [] }, 1);
    const app = express();
    app.get("/", (req, res) => {
      res.send(schedulerIdentityProblem(req, "kube-scheduler") ?? "ok");
    });
    const tlsServer = createTlsServer(app, { cert: serving.cert, key: serving.key, clientCa: ca.cert });
    const port = await listen(tlsServer, 0, "127.0.0.1");
    const ask = async (cn: string): Promise<string> => {
      const c = new VerifyingClient(port, ca.cert, "localhost", generateClientCert(ca, cn, 1));
      try {
        return (await c.get("/")).body;
      } finally {
        c.close();
      }
    };
    try {
      assert.equal(await ask("kube-scheduler"), "ok");
      assert.equal(
        await ask("some-other-workload"),
        "the client certificate is for CN=some-other-workload, not kube-scheduler (--extender-client-name)",
      );
    } finally {
      tlsServer.closeAllConnections();
      tlsServer.close();
    }
  });
});

describe("standalone", () => {
  it("serves the optimizer and the extender open, and says so at start", async () => {
    const lines: string[] = [];
    const t = await startTestServer({}, { log: createLogger("info", (l) => lines.push(l)) });
    try {
      const warning = lines.map((l) => JSON.parse(l) as { level: string; msg: string }).find((l) => l.level === "warn");
      assert.equal(
        warning?.msg,
        "no cluster: /optimizer/solve, /invoke and /scheduler/* are served without authentication",
      );
      assert.equal((await t.optimizer.post("/optimizer/solve", "{}")).status, 400, "no token asked for");
    } finally {
      await t.close();
    }
  });
});
