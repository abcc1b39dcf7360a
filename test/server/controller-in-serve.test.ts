import { strict as assert } from "node:assert";
import { InformerClusterView } from "../../src/cluster-view/informer-view.js";
import { silentLogger } from "../../src/logging.js";
import type { ModelInfer } from "../../src/apis/matrixinfer.js";
import { ApiDouble, type StoredObject } from "../support/api-double.js";
import { role } from "../support/objects.js";
import { startTestServer, waitFor, type TestServer } from "../support/test-server.js";

describe("serve: two replicas, one reconciling leader", function () {
  this.timeout(30_000);
  let api: ApiDouble;
  const servers: TestServer[] = [];
  before(async () => {
    api = new ApiDouble();
    await api.start();
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await api.stop();
  });

  it("only the Lease holder writes; when it stops, the other replica takes over", async () => {
    const mi: ModelInfer = {
      apiVersion: "workload.matrixinfer.ai/v1alpha1",
      kind: "ModelInfer",
      metadata: { name: "m", namespace: "ml" },
      spec: { replicas: 1, template: { roles: [role("serve", 1, 1)] } },
    };
    api.create("workload.matrixinfer.ai/v1alpha1/modelinfers", mi as unknown as StoredObject);
    for (const token of ["replica-a", "replica-b"]) {
      const kubeconfig = api.kubeConfig(token);
      servers.push(await startTestServer({}, { kubeconfig, view: new InformerClusterView(silentLogger, kubeconfig) }));
    }
    await waitFor(() => api.list("v1/pods").length === 2, 10_000);
    const writers = (): string[] =>
      [...api.requestsBy]
        .filter(([, reqs]) =>
          reqs.some(
            (r) =>
              r.startsWith("PATCH /api/v1/namespaces/ml/pods/") ||
              r === "DELETE /api/v1/namespaces/ml/pods/m-0-serve-0-1",
          ),
        )
        .map(([token]) => token);
    assert.equal(writers().length, 1, "one replica created the pods");
    const lease = api.get("coordination.k8s.io/v1/leases", "inferplane-system", "inferplane-controller");
    const leaderIndex = servers.findIndex((_, i) => writers()[0] === ["replica-a", "replica-b"][i]);
    assert.ok(lease && leaderIndex >= 0);
    await servers[leaderIndex]!.close();
    servers.splice(leaderIndex, 1);
    api.delete("v1/pods", "ml", "m-0-serve-0-1");
    await waitFor(() => api.list("v1/pods").length === 2, 15_000);
    assert.equal(writers().length, 2, "the other replica recreated the pod after taking over");
  });
});
