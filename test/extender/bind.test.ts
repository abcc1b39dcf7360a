import { strict as assert } from "node:assert";
import { ApiBinder } from "../../scheduler-extender/api-binder.js";
import { InformerClusterView } from "../../src/cluster-view/informer-view.js";
import { serveConfig } from "../../src/config.js";
import { silentLogger } from "../../src/logging.js";
import { ApiDouble } from "../support/api-double.js";
import { startTestServer, waitFor, type TestServer } from "../support/test-server.js";
import { POD } from "../../src/kube/core-kinds.js";

describe("extender bind verb (against the API double)", function () {
  this.timeout(20_000);
  let api: ApiDouble;
  let t: TestServer;
  let uid: string;
  before(async () => {
    api = new ApiDouble();
    await api.start();
    uid = api.create("v1/pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "ml" },
      spec: { containers: [{ name: "c" }] },
    }).metadata.uid!;
    const view = new InformerClusterView(silentLogger, api.kubeConfig());
    t = await startTestServer({}, { view, binder: new ApiBinder(api.kubeConfig()) });
    await waitFor(() => view.list(POD).length === 1, 5000);
  });
  after(async () => {
    await t.close();
    await api.stop();
  });

  const bind = async (podUID: string): Promise<string> =>
    (
      (await t.client.postJson("/scheduler/bind", { PodName: "p", PodNamespace: "ml", PodUID: podUID, Node: "n1" }))
        .json as { Error: string }
    ).Error;

  it("refuses a UID that is not the pod's (a recreated pod)", async () => {
    assert.match(await bind("other-uid"), /pod ml\/p has UID .* not other-uid: it was recreated; not binding/);
    assert.equal((api.get("v1/pods", "ml", "p")?.spec as { nodeName?: string }).nodeName, undefined);
  });

  it("binds through pods/binding and reports an empty Error", async () => {
    assert.equal(await bind(uid), "");
    assert.equal((api.get("v1/pods", "ml", "p")?.spec as { nodeName?: string }).nodeName, "n1");
  });

  it("reports the API server's refusal of a second bind in Error", async () => {
    assert.match(await bind(uid), /binding pod ml\/p to n1 failed: .*already assigned/);
  });

  it("cannot be enabled standalone", () => {
    assert.throws(
      () => serveConfig({ "extender-bind": true, standalone: true }, {}),
      /--extender-bind needs a cluster/,
    );
  });
});
