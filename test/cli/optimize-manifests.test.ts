import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crdSchema } from "../../src/apis/crds.js";
import { validateOnly } from "../../src/cli/dry-run.js";
import { withNamespace } from "../../src/cluster-view/file-view.js";
import { loadManifestDir } from "../../src/cluster-view/manifests.js";
import type { KubeObject } from "../../src/kube/object.js";
import { ApiDouble, type StoredObject } from "../support/api-double.js";
import { mergePatch } from "../support/api-http.js";
import { cli } from "../support/cli.js";
import { testLoop } from "../support/optimizer-loop.js";
import { schemaProblems } from "../support/crd-schema.js";
import { EXAMPLES, examplesContext } from "../support/fixtures.js";
import { INFERNO } from "../support/inferno.js";
import { assertValidKubernetes } from "../support/schema.js";

const DIR = join(EXAMPLES, "optimizer");

interface Request {
  method: string;
  path: string;
  body: unknown;
}
interface DryRunJson {
  data: string;
  capacity: string;
  objects: { kind: string; namespace: string; name: string; summary: string; requests: Request[] }[];
  skipped: { kind: string; name: string; reason: string }[];
  solution: { totalCost: number; allocations: Record<string, { accelerator: string; numReplicas: number }> };
}

const RESOURCES: Record<string, string> = {
  Deployment: "apps/v1/deployments",
  ModelInfer: "workload.matrixinfer.ai/v1alpha1/modelinfers",
  InferenceService: "inference.ai/v1alpha1/inferenceservices",
  ConfigMap: "v1/configmaps",
};

async function dryRun(...argv: string[]): Promise<DryRunJson> {
  const { code, out, err } = await cli("optimize", "--manifests", DIR, "--json", ...argv);
  assert.equal(code, 0, err);
  return JSON.parse(out) as DryRunJson;
}

describe("inferplane optimize --manifests (the loop's dry run) on examples/optimizer", () => {
  it("the examples are what a cluster accepts: Kubernetes and CRD schemas, and the validating webhook", async () => {
    const ctx = await examplesContext();
    for (const obj of await loadManifestDir(DIR)) {
      const schema = crdSchema(obj.apiVersion ?? "", obj.kind ?? "");
      if (schema) assert.deepEqual(schemaProblems(schema, obj), [], obj.kind);
      else assertValidKubernetes(obj);
      const verdict = validateOnly(withNamespace(obj), ctx);
      assert.equal(verdict.allowed, true, `${obj.kind ?? ""}: ${verdict.status?.message ?? ""}`);
    }
  });

  it("prints per object the allocation, its load and where it came from, and the requests the loop would send", async () => {
    const { code, out, err } = await cli("optimize", "--manifests", DIR);
    assert.deepEqual([code, err], [0, ""]);
    assert.match(
      out,
      /^# one optimizer loop cycle, nothing written: data ConfigMap inferplane-system\/inferplane-optimizer, capacity from capacity-data.json, solver greedy/,
    );
    for (const header of [
      /^Deployment serving\/llama-chat: A100×\d+, batch \d+, [\d.]+ cents\/hour at 60\.0 req\/min$/m,
      /^ModelInfer serving\/granite-batch: A100×\d+, batch \d+, [\d.]+ cents\/hour at 120\.0 req\/min$/m,
      /^InferenceService serving\/chat-optimized: (L4|A100)×\d+, batch \d+, [\d.]+ cents\/hour at 30\.0 req\/min$/m,
    ])
      assert.match(out, header);
    assert.match(
      out,
      /^ {2}PATCH +\/apis\/workload\.matrixinfer\.ai\/v1alpha1\/namespaces\/serving\/modelinfers\/granite-batch\/scale$/m,
    );
    assert.match(
      out,
      /^ {2}load +60\.0 req\/min, 0 in \/ 1024 out tokens per request, from its labels or annotations \(no Prometheus configured\)$/m,
    );
    assert.match(out, /^total cost: [\d.]+ cents\/hour for 3 of 3 objects$/m);
  });

  it("--json: each object's requests agree with the solution it prints", async () => {
    const run = await dryRun();
    assert.deepEqual(
      run.objects.map((o) => `${o.kind} ${o.name}`),
      ["Deployment llama-chat", "ModelInfer granite-batch", "InferenceService chat-optimized"],
    );
    assert.deepEqual(run.skipped, []);
    const byName = new Map(run.objects.map((o) => [o.name, o]));
    const alloc = (server: string): { accelerator: string; numReplicas: number } => run.solution.allocations[server]!;
    const [scale] = byName.get("granite-batch")!.requests;
    assert.deepEqual(scale!.body, { spec: { replicas: alloc("serving/granite-batch").numReplicas } });
    const [patch, status, event] = byName.get("chat-optimized")!.requests;
    const chat = alloc("serving/chat-optimized");
    const wantGpu = chat.accelerator === "L4" ? {} : { gpu: { type: "NVIDIA-A100-SXM4-80GB" } };
    assert.deepEqual(patch!.body, { spec: { replicas: chat.numReplicas, ...wantGpu } });
    assert.equal(status!.method, "PUT");
    assert.equal(event!.method, "POST");
    const deployment = byName.get("llama-chat")!.requests[0]!.body as {
      spec: { replicas: number; template: { spec: { nodeSelector: Record<string, string> } } };
    };
    assert.equal(deployment.spec.replicas, alloc("llama-chat").numReplicas);
    assert.deepEqual(deployment.spec.template.spec.nodeSelector, { "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB" });
  });

  it("is what the loop sends: the same requests, in order, and the same objects after them (API double)", async () => {
    const run = await dryRun();
    const objects = (await loadManifestDir(DIR)).map(withNamespace);
    const api = new ApiDouble();
    await api.start();
    try {
      for (const obj of objects) api.create(RESOURCES[obj.kind ?? ""]!, structuredClone(obj) as StoredObject);
      const result = await testLoop(api, { token: "loop" }).invoke();
      assert.ok(result.ok, JSON.stringify(result));
      const sent = (api.requestsBy.get("loop") ?? []).filter(
        (r) => /^(PATCH|POST) .*\/(namespaces\/serving)\//.test(r) || /^PUT .*\/status$/.test(r),
      );
      const printed = run.objects.flatMap((o) => o.requests.map((r) => `${r.method} ${r.path}`));
      assert.deepEqual(sent, printed);
      for (const o of run.objects) {
        const original = objects.find((x: KubeObject) => x.kind === o.kind && x.metadata?.name === o.name)!;
        const live = api.get(RESOURCES[o.kind]!, o.namespace, o.name)!;
        const [patch] = o.requests;
        // A scale patch sets .spec.replicas, which is what its body says in the object's own terms.
        const expected = mergePatch(structuredClone(original), patch!.body) as StoredObject;
        assert.deepEqual([live.spec, live.metadata.labels], [expected.spec, expected.metadata.labels], o.name);
      }
    } finally {
      await api.stop();
    }
  });

  it("reads inferno's data from DIR when given, and says why each object's load came from its labels", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dry-run-"));
    try {
      const deployment = (await loadManifestDir(DIR)).find((o) => o.kind === "Deployment")!;
      await writeFile(join(dir, "deployment.json"), JSON.stringify(deployment));
      const { code, out } = await cli(
        "optimize",
        join(INFERNO, "v1/small"),
        "--manifests",
        dir,
        "--prometheus-url",
        "http://127.0.0.1:1",
        "--json",
      );
      assert.equal(code, 0);
      const run = JSON.parse(out) as DryRunJson & { objects: { load: { from: string } }[] };
      assert.equal(run.data, join(INFERNO, "v1/small"));
      assert.equal(run.capacity, "capacity-data.json");
      assert.match(run.objects[0]!.load.from, /^its labels or annotations \(.*fetch failed/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("says what is missing: the manifests, or the data", async () => {
    const none = await cli("optimize", "--manifests", "/no/such/dir");
    assert.deepEqual([none.code, none.err], [2, "inferplane optimize: --manifests /no/such/dir: no such directory\n"]);
    const dir = await mkdtemp(join(tmpdir(), "dry-run-"));
    try {
      const noData = await cli("optimize", "--manifests", dir);
      assert.equal(noData.code, 2);
      assert.match(noData.err, /no ConfigMap inferplane-optimizer in .*: add one with inferno's data files as keys/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
