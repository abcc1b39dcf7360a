import { strict as assert } from "node:assert";
import type { DesiredState, Reconciler } from "../../src/controllers/runtime/reconciler.js";
import { GPUPoolKind, type GPUPool } from "../../src/apis/inference-ai.js";
import { CONFIG_MAP, NODE } from "../../src/kube/core-kinds.js";
import type { KubeObject } from "../../src/kube/object.js";
import type { ApiDouble, StoredObject } from "../support/api-double.js";
import { controllerHarness, type Harness } from "../support/controller-harness.js";
import { assertValidKubernetes } from "../support/schema.js";
import { waitFor } from "../support/test-server.js";

const POOLS = "inference.ai/v1alpha1/gpupools";
const CONFIG_MAPS = "v1/configmaps";
const NODES = "v1/nodes";

const labelsOf = (obj: StoredObject | undefined): Record<string, string> | undefined =>
  obj?.metadata.labels as Record<string, string> | undefined;

function pool(name: string, extra: Record<string, string> = {}): StoredObject {
  return {
    apiVersion: "inference.ai/v1alpha1",
    kind: "GPUPool",
    metadata: { name, annotations: extra },
    spec: { sharing: { mode: "exclusive" } },
  };
}

const shared = (data: Record<string, string>): KubeObject =>
  ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "merged", namespace: "gpu" }, data }) as KubeObject;

function owned(p: GPUPool): KubeObject {
  const ref = {
    apiVersion: "inference.ai/v1alpha1",
    kind: "GPUPool",
    name: p.metadata.name ?? "",
    uid: p.metadata.uid ?? "",
    controller: true,
  };
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: `own-${p.metadata.name ?? ""}`, namespace: "gpu", ownerReferences: [ref] },
    data: {},
  } as KubeObject;
}

/**
 * A reconciler of cluster-scoped primaries (GPUPools) that writes, per its annotations: one
 * ConfigMap every primary writes whole from all of them (shared), one it owns, and node labels.
 */
const reconciler: Reconciler<GPUPool> = {
  name: "test",
  kind: GPUPoolKind,
  owns: [CONFIG_MAP],
  mapToPrimaries: (obj, view) =>
    obj.kind === "GPUPool"
      ? view
          .list(GPUPoolKind)
          .filter((p) => p.metadata.name !== obj.metadata?.name)
          .map((p) => `/${p.metadata.name ?? ""}`)
      : [],
  desired(p, view): DesiredState {
    const all = view
      .list(GPUPoolKind)
      .map((x) => x.metadata.name ?? "")
      .sort();
    const notes = p.metadata.annotations ?? {};
    const children = [shared(Object.fromEntries(all.map((n) => [n, "yes"])))];
    if (notes.own !== "no") children.push(owned(p));
    if (notes.bad) children.push(shared({}), { ...shared({}), metadata: { name: notes.bad, namespace: "gpu" } });
    const labels = notes.label
      ? [{ kind: NODE, name: notes.label, labels: { mine: p.metadata.name ?? "", gone: null } }]
      : [];
    return { children, labels };
  },
  status: () => undefined,
};

describe("the reconcile runtime: shared children, label patches, cluster-scoped primaries (API double)", function () {
  this.timeout(20_000);
  let api: ApiDouble;
  let harness: Harness<GPUPool, unknown>;
  let controller: Harness<GPUPool, unknown>["controller"];

  beforeEach(async () => {
    harness = await controllerHarness(reconciler);
    ({ api, controller } = harness);
  });
  afterEach(() => harness.stop());

  const run = (): Promise<void> => harness.run();

  const merged = (): Record<string, string> | undefined =>
    api.get(CONFIG_MAPS, "gpu", "merged")?.data as Record<string, string> | undefined;

  it("applies a child without the primary's owner reference whole, from every primary alike, and never deletes it", async () => {
    api.create(POOLS, pool("a"));
    api.create(POOLS, pool("b"));
    await run();
    await waitFor(() => JSON.stringify(merged()) === JSON.stringify({ a: "yes", b: "yes" }), 5000);
    await controller.idle();
    const cm = api.get(CONFIG_MAPS, "gpu", "merged")!;
    assertValidKubernetes(cm);
    assert.equal(cm.metadata.ownerReferences, undefined, "shared: no owner, so no garbage collection");
    assert.equal(labelsOf(cm)?.["app.kubernetes.io/managed-by"], "inferplane", "the view watches it by this label");
    const applies = (): number =>
      api.requests.filter((r) => r === "PATCH /api/v1/namespaces/gpu/configmaps/merged").length;
    const settled = applies();
    // A third primary: every primary is queued again (mapToPrimaries on a primary's change) and all
    // write the same whole object, so it converges without flapping.
    api.create(POOLS, pool("c"));
    await waitFor(() => JSON.stringify(merged()) === JSON.stringify({ a: "yes", b: "yes", c: "yes" }), 5000);
    await controller.idle();
    assert.ok(applies() - settled <= 3, `${applies() - settled} applies for one change`);
    // The owned child of a goes with a; the shared one stays (without a's key, written by b and c).
    api.delete(POOLS, undefined, "a");
    await waitFor(
      () =>
        JSON.stringify(merged()) === JSON.stringify({ b: "yes", c: "yes" }) && !api.get(CONFIG_MAPS, "gpu", "own-a"),
      5000,
    );
    // A primary that stops wanting its owned child deletes it; nobody deletes the shared one.
    api.update(POOLS, undefined, "b", (p) => {
      p.metadata.annotations = { own: "no" };
    });
    await waitFor(() => !api.get(CONFIG_MAPS, "gpu", "own-b"), 5000);
    api.delete(POOLS, undefined, "b");
    api.delete(POOLS, undefined, "c");
    await new Promise((r) => setTimeout(r, 300));
    await controller.idle();
    assert.ok(merged(), "the last primary gone, the shared child stays");
  });

  it("patches labels on an object it does not own, only when they differ, never creating it; null removes", async () => {
    api.create(NODES, {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n1", labels: { keep: "1", gone: "x" } },
    });
    api.create(POOLS, pool("a", { label: "n1" }));
    api.create(POOLS, pool("b", { label: "ghost", own: "no" }));
    await run();
    await waitFor(() => labelsOf(api.get(NODES, undefined, "n1"))?.mine === "a", 5000);
    await controller.idle();
    assert.deepEqual(api.get(NODES, undefined, "n1")!.metadata.labels, { keep: "1", mine: "a" });
    assert.equal(api.get(NODES, undefined, "ghost"), undefined, "a missing object is not created");
    const patches = api.requests.filter((r) => r === "PATCH /api/v1/nodes/n1").length;
    controller.enqueue("/a");
    await controller.idle();
    assert.equal(
      api.requests.filter((r) => r === "PATCH /api/v1/nodes/n1").length,
      patches,
      "labels that hold are not patched",
    );
    const events = api.list("v1/events") as unknown as {
      reason: string;
      message: string;
      metadata: { namespace: string };
      involvedObject: { namespace?: string; name: string };
    }[];
    const labelled = events.find((e) => e.reason === "Labelled");
    assert.equal(labelled?.message, "labelled Node n1");
    assert.equal(labelled.metadata.namespace, "default", "a cluster-scoped object's Events live in default");
    assert.equal(
      labelled.involvedObject.namespace,
      undefined,
      "and name no namespace, as kubectl describe looks them up",
    );
  });

  it("applies none of the children when one carries a name the apiserver refuses, and says which in an Event", async () => {
    api.create(POOLS, pool("a", { bad: "Bad_Name" }));
    await run();
    const events = (): { reason: string; message: string }[] =>
      api.list("v1/events") as unknown as { reason: string; message: string }[];
    await waitFor(() => events().some((e) => e.reason === "InvalidChild"), 5000);
    await controller.idle();
    assert.equal(merged(), undefined, "not even the valid shared child");
    assert.equal(api.get(CONFIG_MAPS, "gpu", "own-a"), undefined, "nor the owned one");
    const note = events().find((e) => e.reason === "InvalidChild");
    assert.match(
      note?.message ?? "",
      /^nothing applied: ConfigMap gpu\/Bad_Name: ConfigMap metadata.name "Bad_Name" is not a DNS-1123 subdomain/,
    );
    api.update(POOLS, undefined, "a", (p) => {
      p.metadata.annotations = {};
    });
    await waitFor(() => merged() !== undefined && api.get(CONFIG_MAPS, "gpu", "own-a") !== undefined, 5000);
  });
});
