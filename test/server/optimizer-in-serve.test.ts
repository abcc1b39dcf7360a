import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { InformerClusterView } from "../../src/cluster-view/informer-view.js";
import { silentLogger } from "../../src/logging.js";
import { ApiDouble } from "../support/api-double.js";
import { grantServiceProxy, serviceAccountUser } from "../support/api-double-reviews.js";
import { INFERNO } from "../support/inferno.js";
import { startTestServer, waitFor, type TestServer } from "../support/test-server.js";

describe("serve: the optimizer loop in the Lease holder", function () {
  this.timeout(30_000);
  let api: ApiDouble;
  let server: TestServer | undefined;
  before(async () => {
    api = new ApiDouble();
    await api.start();
  });
  after(async () => {
    await server?.close();
    await api.stop();
  });

  it("runs on GET /invoke once leading, patches the managed Deployment, and leaves the rest", async () => {
    const file = (name: string): string => readFileSync(join(INFERNO, "v1/small", name), "utf8");
    api.create("v1/configmaps", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "inferplane-optimizer", namespace: "inferplane-system" },
      data: {
        "accelerator-data.json": file("accelerator-data.json"),
        "model-data.json": file("model-data.json"),
        "serviceclass-data.json": file("serviceclass-data.json"),
        "optimizer-data.json": file("optimizer-data.json"),
      },
    });
    const labels = {
      "inferno.server.managed": "true",
      "inferno.server.model": "granite_13b",
      "inferno.server.class": "Bronze",
      "inferno.server.load.rpm": "120",
      "inferno.server.load.numtokens": "1024",
    };
    api.create("apps/v1/deployments", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "granite", namespace: "serving", labels },
      spec: { replicas: 1 },
    });
    // In a cluster /invoke needs a token allowed to get services/proxy on inferplane's Service (bearer-auth.ts).
    api.reviews.addToken("autoscaler-token", serviceAccountUser("serving", "autoscaler"));
    grantServiceProxy(api, "inferplane-system", "inferplane", serviceAccountUser("serving", "autoscaler").username);
    const auth = { authorization: "Bearer autoscaler-token" };
    const kubeconfig = api.kubeConfig("replica");
    // A long interval: the only cycles are the one at start and the one /invoke asks for.
    server = await startTestServer(
      { "optimizer-interval-seconds": "3600" },
      { kubeconfig, view: new InformerClusterView(silentLogger, kubeconfig) },
    );
    let reply = await server.optimizer.get("/invoke", auth);
    for (
      const deadline = Date.now() + 10_000;
      reply.status === 503 && Date.now() < deadline;
      reply = await server.optimizer.get("/invoke", auth)
    )
      await new Promise((r) => setTimeout(r, 100));
    assert.equal(reply.status, 200, reply.body);
    const result = JSON.parse(reply.body) as { ok: boolean; applied: number; totalCost: number };
    assert.deepEqual(
      [result.ok, result.applied, result.totalCost],
      [true, 1, 92],
      "Bronze-granite_13b at 120 req/min: G2 × 4, as inferno published",
    );
    await waitFor(
      () => (api.get("apps/v1/deployments", "serving", "granite")?.spec as { replicas?: number }).replicas === 4,
      5000,
    );
    assert.ok(api.get("v1/configmaps", "inferplane-system", "inferplane-optimizer-status"));
  });
});
