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
});
