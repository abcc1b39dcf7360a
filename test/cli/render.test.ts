import { strict as assert } from "node:assert";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { main } from "../../src/cli/main.js";
import type { KubeObject } from "../../src/kube/object.js";
import { EXAMPLES } from "../support/fixtures.js";
import { assertValidKubernetes } from "../support/schema.js";

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

function documents(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

describe("inferplane render", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "inferplane-render-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("prints a ModelInfer's pods, headless Services and PodGroups as its controller would apply them", async () => {
    const { code, out, err } = await cli("render", "-f", join(EXAMPLES, "modelinfer-xpyd.yaml"));
    assert.equal(code, 0, err);
    const objects = documents(out);
    const kinds = [...new Set(objects.map((o) => o.kind))].sort();
    assert.deepEqual(kinds, ["Pod", "PodGroup", "Service"]);
    assert.match(
      out,
      /^# ModelInfer default\/sample → \d+ objects \(controller modelinfer; the owner reference to it is added once it exists\)$/m,
    );
    for (const obj of objects) {
      if (obj.kind !== "PodGroup") assertValidKubernetes(obj);
      assert.equal(obj.metadata?.ownerReferences, undefined, "no owner reference without the owner's uid");
      assert.equal(obj.metadata?.labels?.["app.kubernetes.io/managed-by"], "inferplane");
    }
    assert.match(out, /the owner reference to it is added once it exists/);
    assert.doesNotMatch(out, /[&*]a\d/, "no YAML anchors or aliases");
  });

  it("renders what the file's own objects define, with the manifests directory around them", async () => {
    const file = join(dir, "mi.yaml");
    await writeFile(
      file,
      `apiVersion: workload.matrixinfer.ai/v1alpha1
kind: ModelInfer
metadata: {name: tiny, namespace: ml}
spec:
  replicas: 2
  template:
    roles:
      - name: serve
        workerReplicas: 1
        entryTemplate: {spec: {containers: [{name: e, image: vllm/vllm-openai:v0.11.0}]}}
        workerTemplate: {spec: {containers: [{name: w, image: vllm/vllm-openai:v0.11.0}]}}
`,
    );
    const { code, out } = await cli("render", "-f", file, "--manifests", EXAMPLES);
    assert.equal(code, 0);
    assert.deepEqual(
      documents(out).map((o) => `${o.kind ?? ""} ${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`),
      [
        "Pod ml/tiny-0-serve-0-0",
        "Pod ml/tiny-0-serve-0-1",
        "Service ml/tiny-0-serve-0-0",
        "Pod ml/tiny-1-serve-0-0",
        "Pod ml/tiny-1-serve-0-1",
        "Service ml/tiny-1-serve-0-0",
      ],
    );
  });

  it("skips, naming the kinds it knows, an object no controller owns; exits 1 for one admission would deny", async () => {
    const pod = await cli("render", "-f", join(EXAMPLES, "pods", "llama-405b-worker.yaml"));
    assert.equal(pod.code, 0);
    assert.equal(pod.out, "");
    assert.match(
      pod.err,
      /Pod default\/llama-405b-1-serve-0-2: no controller owns v1 Pod; nothing to render \(render knows ModelInfer \(workload\.matrixinfer\.ai\), .*InferenceService \(inference\.ai\)/,
    );
    const file = join(dir, "bad.yaml");
    await writeFile(
      file,
      `apiVersion: workload.matrixinfer.ai/v1alpha1
kind: ModelInfer
metadata: {name: bad}
spec:
  template:
    roles:
      - name: Serve
        entryTemplate: {spec: {containers: [{name: e, image: x}]}}
`,
    );
    const bad = await cli("render", "-f", file);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /ModelInfer default\/bad would be denied: .*roles\[0\]\.name/);
    assert.equal(bad.out, "");
  });
});
