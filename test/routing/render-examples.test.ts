import { strict as assert } from "node:assert";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { main } from "../../src/cli/main.js";
import type { KubeObject } from "../../src/kube/object.js";
import { assertValidEmitted } from "../support/emitted-schema.js";
import { EXAMPLES } from "../support/fixtures.js";

async function render(file: string): Promise<{ code: number; objects: KubeObject[]; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["render", "-f", file], { out: (t) => (out += t), err: (t) => (err += t) });
  const objects = parseAllDocuments(out)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
  return { code, objects, out, err };
}

const kinds = (objects: readonly KubeObject[]): string[] =>
  objects.map((o) => `${o.kind ?? ""}/${o.metadata?.name ?? ""}`);

describe("inferplane render: the routing examples", () => {
  it("the seed's InferenceGateway renders its router, with the routes' InferenceServices from examples/", async () => {
    const { code, objects, err } = await render(join(EXAMPLES, "routing", "seed-001-inference-gateway.yaml"));
    assert.equal(code, 0, err);
    assert.deepEqual(kinds(objects), [
      "ConfigMap/llm-gateway-router",
      "Deployment/llm-gateway-router",
      "Service/llm-gateway-router",
    ]);
    assert.match(err, /not carried by the router: schedulingPolicy gpu-load-aware/);
    for (const o of objects) assertValidEmitted(o);
  });

  it("the seed's StaticRoute renders its ConfigMap", async () => {
    const { code, objects, err } = await render(join(EXAMPLES, "routing", "seed-003-static-route.yaml"));
    assert.equal(code, 0, err);
    assert.deepEqual(kinds(objects), ["ConfigMap/vllm-router-config"]);
    assertValidEmitted(objects[0]!);
  });

  it("the complete gateway renders a router; as gateway-api, pools, pickers and an HTTPRoute", async () => {
    const router = await render(join(EXAMPLES, "routing", "gateway.yaml"));
    assert.equal(router.code, 0, router.err);
    assert.deepEqual(kinds(router.objects), [
      "ConfigMap/chat-gateway-router",
      "Deployment/chat-gateway-router",
      "Service/chat-gateway-router",
    ]);
    const dir = await mkdtemp(join(tmpdir(), "inferplane-routing-"));
    try {
      const docs = parseAllDocuments(await readFile(join(EXAMPLES, "routing", "gateway.yaml"), "utf8")).map(
        (d) => d.toJS() as KubeObject & { spec: Record<string, unknown> },
      );
      docs[0]!.spec = { ...docs[0]!.spec, target: "gateway-api", gateway: { name: "inference-gateway" } };
      const file = join(dir, "gateway-api.yaml");
      await writeFile(file, docs.map((d) => stringify(d)).join("---\n"));
      const api = await render(file);
      assert.equal(api.code, 0, api.err);
      assert.equal(api.objects.filter((o) => o.kind === "InferencePool").length, 2);
      assert.equal(api.objects.filter((o) => o.kind === "HTTPRoute").length, 1);
      for (const o of api.objects) assertValidEmitted(o);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
