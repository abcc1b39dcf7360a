import { strict as assert } from "node:assert";
import { InformerClusterView } from "../src/cluster-view/informer-view.js";
import { ModelInferKind } from "../src/apis/matrixinfer.js";
import { STATEFUL_SET } from "../src/kube/core-kinds.js";
import { HyperNodeKind } from "../src/volcano/hypernode.js";
import { CoschedulingPodGroupKind } from "../src/volcano/podgroup.js";
import { KNOWN_KINDS } from "./support/known-kinds.js";
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
    assert.equal(view.get(ModelInferKind, "default", "first")?.metadata.name, "first");
    api.create(MODELINFERS, stored("second", "team-a"));
    await waitFor(() => view!.get(ModelInferKind, "team-a", "second") !== undefined, 5000);
    api.delete(MODELINFERS, "default", "first");
    await waitFor(() => view!.get(ModelInferKind, "default", "first") === undefined, 5000);
    assert.deepEqual(
      view.list(ModelInferKind).map((m) => m.metadata.name),
      ["second"],
    );
  });

  it("watches StatefulSets by two selectors, holding one while either selects it", async () => {
    // TokenCache's Redis (managed-by=inferplane) and role StatefulSets (inference.ai/managed=true and
    // a role): label selectors cannot say "or", so each has its own informer over one store.
    const STATEFULSETS = "apps/v1/statefulsets";
    const sts = (name: string, labels: Record<string, string>): StoredObject => ({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name, namespace: "ml", labels },
      spec: {},
    });
    const redis = { "app.kubernetes.io/managed-by": "inferplane" };
    const roleLabels = { "inference.ai/managed": "true", "modelinfer.matrixinfer.ai/role": "serve" };
    api.create(STATEFULSETS, sts("cache-redis", redis));
    api.create(STATEFULSETS, sts("qwen", roleLabels));
    api.create(STATEFULSETS, sts("both", { ...redis, ...roleLabels }));
    api.create(STATEFULSETS, sts("user-db", { app: "db" }));
    view = new InformerClusterView(silentLogger, api.kubeConfig());
    await view.start();
    const names = (): string[] =>
      view!
        .list(STATEFUL_SET, "ml")
        .map((o) => o.metadata?.name ?? "")
        .sort();
    assert.deepEqual(names(), ["both", "cache-redis", "qwen"]);
    // "both" leaves the role selector (DELETED on that watch) but the Redis one still holds it.
    api.update(STATEFULSETS, "ml", "both", (o) => {
      o.metadata.labels = redis;
    });
    api.update(STATEFULSETS, "ml", "qwen", (o) => {
      o.metadata.labels = { "modelinfer.matrixinfer.ai/role": "serve" };
    });
    await waitFor(() => !names().includes("qwen"), 5000);
    assert.deepEqual(names(), ["both", "cache-redis"]);
  });

  it("retries a failed list with backoff and syncs once the API answers", async () => {
    api.failNext("GET", "modelinfers", 500, 2);
    api.create(MODELINFERS, stored("late"));
    view = new InformerClusterView(silentLogger, api.kubeConfig(), { minBackoffMs: 20, maxBackoffMs: 100 });
    await view.start();
    await waitFor(() => view!.hasSynced(), 5000);
    assert.ok(view.get(ModelInferKind, "default", "late"));
    assert.ok(
      api.requests.filter((r) => r === `GET /apis/${MODELINFERS}`).length >= 3,
      "listed again after each failure",
    );
  });

  it("recovers when the watch is cut, missing nothing created meanwhile", async () => {
    view = new InformerClusterView(silentLogger, api.kubeConfig(), { minBackoffMs: 20 });
    await view.start();
    api.closeWatches();
    api.create(MODELINFERS, stored("during-cut"));
    await waitFor(() => view!.get(ModelInferKind, "default", "during-cut") !== undefined, 5000);
  });

  it("relists periodically, which also repairs a watch that went silent", async () => {
    view = new InformerClusterView(silentLogger, api.kubeConfig(), { resyncMs: 100 });
    await view.start();
    const lists = (): number => api.requests.filter((r) => r === `GET /apis/${MODELINFERS}`).length;
    const before = lists();
    await waitFor(() => lists() >= before + 2, 5000);
  });

  it("keeps node usage, gang membership and topology current from Nodes, Pods, HyperNodes and PodGroups", async () => {
    api.create("v1/nodes", {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n1" },
      status: { allocatable: { "nvidia.com/gpu": "8", pods: "110" } },
    });
    api.create("topology.volcano.sh/v1alpha1/hypernodes", {
      apiVersion: "topology.volcano.sh/v1alpha1",
      kind: "HyperNode",
      metadata: { name: "rack" },
      spec: { tier: 1, members: [{ type: "Node", selector: { exactMatch: { name: "n1" } } }] },
    });
    api.create("scheduling.volcano.sh/v1beta1/podgroups", {
      apiVersion: "scheduling.volcano.sh/v1beta1",
      kind: "PodGroup",
      metadata: { name: "g", namespace: "ml" },
      spec: { minMember: 1 },
    });
    view = new InformerClusterView(silentLogger, api.kubeConfig());
    await view.start();
    assert.deepEqual(view.topology().nodesOf.get("rack"), ["n1"]);
    assert.equal(view.podGroup("ml", "g")?.spec.minMember, 1);
    // List items come without apiVersion/kind, as from a real apiserver; the view fills them in.
    const pod = {
      metadata: { name: "p", namespace: "ml", annotations: { "scheduling.k8s.io/group-name": "g" } },
      spec: { nodeName: "n1", containers: [{ name: "c", resources: { requests: { "nvidia.com/gpu": "3" } } }] },
    } as unknown as StoredObject;
    api.create("v1/pods", pod);
    await waitFor(() => view!.nodeFree("n1")["nvidia.com/gpu"] === 5000, 5000);
    assert.deepEqual(
      view.gangMembers("ml", "g").map((p) => p.metadata?.name),
      ["p"],
    );
    api.delete("v1/pods", "ml", "p");
    await waitFor(() => view!.nodeFree("n1")["nvidia.com/gpu"] === 8000, 5000);
    assert.deepEqual(view.gangMembers("ml", "g"), []);
  });

  it("counts a kind whose CRD is not installed (its group version 404s in discovery) as synced and empty", async () => {
    await api.stop();
    api = new ApiDouble(KNOWN_KINDS.filter((k) => k !== HyperNodeKind));
    await api.start();
    view = new InformerClusterView(silentLogger, api.kubeConfig(), { minBackoffMs: 50 });
    await view.start();
    await waitFor(() => view!.hasSynced(), 5000);
    assert.deepEqual(view.list(HyperNodeKind), []);
    assert.ok(api.requests.includes("GET /apis/topology.volcano.sh/v1alpha1"), "discovery was asked");
  });

  it("keeps Volcano's and scheduler-plugins' PodGroups apart, Volcano's first", async () => {
    const group = (apiVersion: string, minMember: number): StoredObject => ({
      apiVersion,
      kind: "PodGroup",
      metadata: { name: "g", namespace: "ml" },
      spec: { minMember },
    });
    api.create("scheduling.x-k8s.io/v1alpha1/podgroups", group("scheduling.x-k8s.io/v1alpha1", 2));
    view = new InformerClusterView(silentLogger, api.kubeConfig());
    await view.start();
    assert.equal(view.podGroup("ml", "g")?.spec.minMember, 2, "scheduler-plugins' alone");
    api.create("scheduling.volcano.sh/v1beta1/podgroups", group("scheduling.volcano.sh/v1beta1", 4));
    await waitFor(() => view!.podGroup("ml", "g")?.spec.minMember === 4, 5000);
    api.update("scheduling.x-k8s.io/v1alpha1/podgroups", "ml", "g", (o) => {
      o.spec = { minMember: 3 };
    });
    await waitFor(() => view!.get(CoschedulingPodGroupKind, "ml", "g")?.spec.minMember === 3, 5000);
    assert.equal(view.podGroup("ml", "g")?.spec.minMember, 4, "Volcano's wins whatever was written last");
    api.delete("scheduling.x-k8s.io/v1alpha1/podgroups", "ml", "g");
    await waitFor(() => view!.get(CoschedulingPodGroupKind, "ml", "g") === undefined, 5000);
    assert.equal(view.podGroup("ml", "g")?.spec.minMember, 4, "deleting the other copy keeps Volcano's");
  });
});
