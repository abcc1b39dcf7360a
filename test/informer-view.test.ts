import { strict as assert } from "node:assert";
import { InformerClusterView } from "../src/cluster-view/informer-view.js";
import { silentLogger } from "../src/logging.js";
import { ApiDouble, type StoredObject } from "./support/api-double.js";
import { modelInfer, role } from "./support/objects.js";
import { waitFor } from "./support/test-server.js";

const MODELINFERS = "workload.matrixinfer.ai/v1alpha1/modelinfers";

function stored(name: string, namespace = "default"): StoredObject {
  return modelInfer(name, [role("serve", 1, 1)], {}, namespace) as unknown as StoredObject;
}

describe("informer-backed cluster view (against the API double)", function () {
  this.timeout(20_000);
  let api: ApiDouble;
  let view: InformerClusterView | undefined;
  beforeEach(async () => {
    api = new ApiDouble();
    await api.start();
  });
  afterEach(async () => {
    await view?.stop();
    await api.stop();
  });

  it("lists what exists, then follows creations and deletions through the watch", async () => {
    api.create(MODELINFERS, stored("first"));
    view = new InformerClusterView(silentLogger, api.kubeConfig());
    assert.equal(view.hasSynced(), false);
    await view.start();
    assert.equal(view.hasSynced(), true);
    assert.equal(view.getModelInfer("default", "first")?.metadata.name, "first");
    api.create(MODELINFERS, stored("second", "team-a"));
    await waitFor(() => view!.getModelInfer("team-a", "second") !== undefined, 5000);
    api.delete(MODELINFERS, "default", "first");
    await waitFor(() => view!.getModelInfer("default", "first") === undefined, 5000);
    assert.deepEqual(view.listModelInfers().map((m) => m.metadata.name), ["second"]);
  });

  it("retries a failed list with backoff and syncs once the API answers", async () => {
    api.failNext("GET", "modelinfers", 500, 2);
    api.create(MODELINFERS, stored("late"));
    view = new InformerClusterView(silentLogger, api.kubeConfig(), { minBackoffMs: 20, maxBackoffMs: 100 });
    await view.start();
    await waitFor(() => view!.hasSynced(), 5000);
    assert.ok(view.getModelInfer("default", "late"));
    assert.ok(api.requests.filter((r) => r === `GET /apis/${MODELINFERS}`).length >= 3, "listed again after each failure");
  });

  it("recovers when the watch is cut, missing nothing created meanwhile", async () => {
    view = new InformerClusterView(silentLogger, api.kubeConfig(), { minBackoffMs: 20 });
    await view.start();
    api.closeWatches();
    api.create(MODELINFERS, stored("during-cut"));
    await waitFor(() => view!.getModelInfer("default", "during-cut") !== undefined, 5000);
  });

  it("relists periodically, which also repairs a watch that went silent", async () => {
    view = new InformerClusterView(silentLogger, api.kubeConfig(), { resyncMs: 100 });
    await view.start();
    const lists = (): number => api.requests.filter((r) => r === `GET /apis/${MODELINFERS}`).length;
    const before = lists();
    await waitFor(() => lists() >= before + 2, 5000);
  });
});
