import { strict as assert } from "node:assert";
import { ApiDouble, type StoredObject } from "./support/api-double.js";

/** The double must behave like the apiserver where clients depend on it, or tests built on it lie. */
describe("API double conventions", () => {
  const api = new ApiDouble();
  let base: string;
  before(async () => {
    base = `http://127.0.0.1:${await api.start()}`;
  });
  after(async () => {
    await api.stop();
  });

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<{ status: number; json: StoredObject & { reason?: string } }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { "content-type": contentType },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as StoredObject & { reason?: string } };
  };
  const pods = "/api/v1/namespaces/ns/pods";

  it("creates with uid, resourceVersion and generation; 409 AlreadyExists on a second create", async () => {
    const created = await call("POST", pods, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { containers: [] },
    });
    assert.equal(created.status, 201);
    assert.ok(created.json.metadata.uid && created.json.metadata.resourceVersion);
    assert.equal(created.json.metadata.namespace, "ns");
    assert.equal((await call("POST", pods, { metadata: { name: "p" } })).json.reason, "AlreadyExists");
  });

  it("409 Conflict on an update with a stale resourceVersion; generation bumps on spec change only", async () => {
    const current = (await call("GET", `${pods}/p`)).json;
    const updated = await call("PUT", `${pods}/p`, { ...current, spec: { containers: [{ name: "a" }] } });
    assert.equal(updated.status, 200);
    assert.equal(updated.json.metadata.generation, 2);
    const stale = await call("PUT", `${pods}/p`, { ...current, spec: {} });
    assert.equal(stale.status, 409);
    assert.equal(stale.json.reason, "Conflict");
  });

  it("the status subresource changes status only, the main resource never changes status", async () => {
    const current = (await call("GET", `${pods}/p`)).json;
    const viaStatus = await call("PUT", `${pods}/p/status`, {
      ...current,
      spec: { hacked: true },
      status: { phase: "Running" },
    });
    assert.deepEqual(viaStatus.json.status, { phase: "Running" });
    assert.deepEqual(viaStatus.json.spec, current.spec);
    const viaMain = await call("PUT", `${pods}/p`, { ...viaStatus.json, status: { phase: "Failed" } });
    assert.deepEqual(viaMain.json.status, { phase: "Running" });
  });

  it("merge-patches, and garbage-collects dependents when their owner is deleted", async () => {
    const owner = (await call("GET", `${pods}/p`)).json;
    await call("POST", "/api/v1/namespaces/ns/services", {
      metadata: { name: "s", ownerReferences: [{ apiVersion: "v1", kind: "Pod", name: "p", uid: owner.metadata.uid }] },
    });
    const patched = await call(
      "PATCH",
      `${pods}/p`,
      { metadata: { labels: { a: "b" } } },
      "application/merge-patch+json",
    );
    assert.deepEqual(patched.json.metadata.labels, { a: "b" });
    assert.equal((await call("DELETE", `${pods}/p`)).status, 200);
    assert.equal((await call("GET", "/api/v1/namespaces/ns/services/s")).status, 404);
  });

  it("serves the scale subresource of the kinds whose CRD declares one: a Scale, and writes to spec.replicas", async () => {
    const mis = "/apis/workload.matrixinfer.ai/v1alpha1/namespaces/ns/modelinfers";
    await call("POST", mis, {
      apiVersion: "workload.matrixinfer.ai/v1alpha1",
      kind: "ModelInfer",
      metadata: { name: "m" },
      spec: { replicas: 1, template: { roles: [] } },
      status: { replicas: 1, labelSelector: "modelinfer.matrixinfer.ai/name=m" },
    });
    const scale = await call("GET", `${mis}/m/scale`);
    assert.deepEqual(
      [scale.json.kind, scale.json.spec, scale.json.status],
      ["Scale", { replicas: 1 }, { replicas: 1, selector: "modelinfer.matrixinfer.ai/name=m" }],
    );
    const patched = await call("PATCH", `${mis}/m/scale`, { spec: { replicas: 3 } }, "application/merge-patch+json");
    assert.deepEqual(patched.json.spec, { replicas: 3 });
    const mi = (await call("GET", `${mis}/m`)).json;
    assert.deepEqual([(mi.spec as { replicas: number }).replicas, mi.metadata.generation], [3, 2]);
    const stale = await call("PUT", `${mis}/m/scale`, { ...scale.json, spec: { replicas: 5 } });
    assert.equal(stale.status, 409, "a PUT with the Scale's old resourceVersion");
    assert.equal((await call("GET", "/apis/inference.ai/v1alpha1/namespaces/ns/tokencaches/t/scale")).status, 404);
  });

  describe("server-side apply, discovery and filtered watches", () => {
    const cms = "/api/v1/namespaces/ns/configmaps";
    const apply = (body: unknown, manager: string, force = false): ReturnType<typeof call> =>
      call(
        "PATCH",
        `${cms}/c?fieldManager=${manager}${force ? "&force=true" : ""}`,
        body,
        "application/apply-patch+yaml",
      );
    const cm = (data: Record<string, string>): unknown => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c" },
      data,
    });

    it("creates on first apply, removes what a manager stops applying, keeps what others own", async () => {
      assert.equal((await apply(cm({ a: "1", b: "2" }), "inferplane")).status, 201);
      const other = await call(
        "PATCH",
        `${cms}/c?fieldManager=kubectl`,
        { data: { x: "9" } },
        "application/merge-patch+json",
      );
      assert.equal(other.status, 200);
      const after = await apply(cm({ a: "1" }), "inferplane");
      assert.deepEqual((after.json as unknown as { data: unknown }).data, { a: "1", x: "9" });
    });

    it("answers 409 naming the owner of a field another manager set to another value, unless forced", async () => {
      const conflict = await apply(cm({ x: "10" }), "inferplane");
      assert.equal(conflict.status, 409);
      assert.match((conflict.json as unknown as { message: string }).message, /\.data\.x \(owned by kubectl\)/);
      const forced = await apply(cm({ a: "1", x: "10" }), "inferplane", true);
      assert.equal(forced.status, 200);
      assert.equal((forced.json as unknown as { data: Record<string, string> }).data.x, "10");
      assert.equal((await apply(cm({ a: "1" }), "nobody-else")).status, 200, "a value others own alike is shared");
    });

    it("refuses an apply without a field manager", async () => {
      const res = await call("PATCH", `${cms}/c`, cm({}), "application/apply-patch+yaml");
      assert.equal(res.status, 400);
    });

    it("serves discovery for the kinds it knows, 404 for a group version it does not serve", async () => {
      const apps = await call("GET", "/apis/apps/v1");
      assert.equal(apps.status, 200);
      const resources = (apps.json as unknown as { resources: { kind: string; name: string; namespaced: boolean }[] })
        .resources;
      assert.ok(resources.some((r) => r.kind === "Deployment" && r.name === "deployments" && r.namespaced));
      assert.equal((await call("GET", "/apis/nothing.example.com/v1")).status, 404);
    });

    it("tells a label-selected watch that an object entered (ADDED) or left (DELETED) its selection", async () => {
      const res = await fetch(`${base}/api/v1/configmaps?watch=true&labelSelector=team%3Dml&resourceVersion=1`);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      api.create("v1/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "w", namespace: "ns" } });
      api.update("v1/configmaps", "ns", "w", (o) => {
        o.metadata.labels = { team: "ml" };
      });
      api.update("v1/configmaps", "ns", "w", (o) => {
        o.metadata.labels = { team: "web" };
      });
      let text = "";
      while ((text.match(/\n/g) ?? []).length < 2) text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      const types = text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { type: string; object: StoredObject })
        .filter((e) => e.object.metadata.name === "w")
        .map((e) => e.type);
      assert.deepEqual(types, ["ADDED", "DELETED"]);
    });
  });
});
