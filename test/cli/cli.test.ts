import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { Pod } from "kubernetes-types/core/v1.js";
import { cli } from "../support/cli.js";
import { EXAMPLES } from "../support/fixtures.js";
import { assertValidKubernetes } from "../support/schema.js";

describe("CLI", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "inferplane-cli-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("mutate prints the enhanced pod as YAML and its patch", async () => {
    const { code, out } = await cli("mutate", "-f", join(EXAMPLES, "pods", "llama-405b-worker.yaml"));
    assert.equal(code, 0);
    const pod = parseAllDocuments(out)[0]!.toJS() as Pod;
    assertValidKubernetes(pod);
    assert.deepEqual(
      pod.spec!.containers[0]!.env!.map((e) => `${e.name}=${e.value ?? ""}`),
      ["GROUP_SIZE=4", "ENTRY_ADDRESS=llama-405b-1-serve-0-0.llama-405b-1-serve-0-0.default", "WORKER_INDEX=2"],
    );
    assert.match(out, /# patch \(4 operations\)\n# \[\{"op":"add","path":"\/spec\/containers\/0\/env"/);
  });

  it("mutate prints warnings on stderr and every document of a multi-document file", async () => {
    const { code, out, err } = await cli("mutate", "-f", join(EXAMPLES, "statefulset-role.yaml"));
    assert.equal(code, 0);
    assert.equal(parseAllDocuments(out).length, 2);
    assert.equal(err, "");
    const entry = await cli("mutate", "-f", join(EXAMPLES, "pods", "sample-decode-entry.yaml"));
    assert.equal(entry.err, "warning: container engine: env GROUP_SIZE replaced by inferplane\n");
  });

  it("mutate exits 1 with the denial when a pod names a missing ModelInfer", async () => {
    const file = join(dir, "orphan.yaml");
    await writeFile(
      file,
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ghost-0-serve-0-0\n  labels:\n    inference.ai/managed: "true"\n    modelinfer.matrixinfer.ai/name: ghost\n    modelinfer.matrixinfer.ai/role: serve\nspec:\n  containers: [{name: a, image: b}]\n',
    );
    const { code, err, out } = await cli("mutate", "-f", file);
    assert.equal(code, 1);
    assert.equal(out, "");
    assert.equal(
      err,
      "denied: Pod default/ghost-0-serve-0-0 is forbidden: metadata.labels[modelinfer.matrixinfer.ai/name]: ModelInfer default/ghost not found; create it first or fix the label\n",
    );
  });

  it("resolves a pod against the ModelInfer in the same file, as after kubectl apply of both", async () => {
    const file = join(dir, "together.yaml");
    await writeFile(
      file,
      [
        "apiVersion: workload.matrixinfer.ai/v1alpha1\nkind: ModelInfer\nmetadata: {name: ghost}\nspec:\n  template:\n    roles:\n      - {name: serve, entryTemplate: {spec: {containers: [{name: e, image: x}]}}}\n",
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ghost-0-serve-0-0\n  labels:\n    inference.ai/managed: "true"\n    modelinfer.matrixinfer.ai/name: ghost\n    modelinfer.matrixinfer.ai/role: serve\nspec:\n  containers: [{name: a, image: b}]\n',
      ].join("---\n"),
    );
    const { code, out } = await cli("validate", "-f", file);
    assert.equal(code, 0);
    assert.equal(out, "valid: ModelInfer default/ghost\nvalid: Pod default/ghost-0-serve-0-0\n");
  });

  it("validate reports warnings and verdicts", async () => {
    const { code, out, err } = await cli("validate", "-f", join(EXAMPLES, "deployment-single-node.yaml"));
    assert.equal(code, 0);
    assert.equal(out, "valid: Deployment default/qwen-small\n");
    assert.match(err, /^warning: Deployment default\/qwen-small: .*no ordinals/);
  });

  const badInputs: Array<[string, string[], RegExp]> = [
    ["no file", ["mutate"], /-f FILE is required/],
    ["a missing file", ["mutate", "-f", "/nonexistent.yaml"], /cannot read \/nonexistent.yaml/],
    ["an unknown flag", ["mutate", "--nope"], /^inferplane mutate: unknown flag --nope\n/],
    ["an unknown command", ["frobnicate"], /^inferplane: unknown command frobnicate\n/],
    ["a bad port", ["serve", "--port", "99999", "--standalone"], /--port must be an integer from 0 to 65535/],
    [
      "a missing manifests dir",
      ["mutate", "-f", join(EXAMPLES, "deployment-single-node.yaml"), "--manifests", "/nonexistent"],
      /--manifests \/nonexistent: no such directory/,
    ],
  ];
  for (const [what, argv, message] of badInputs) {
    it(`exits non-zero with a clear message on ${what}`, async () => {
      const result = await cli(...argv).catch((e: unknown) => ({ code: -1, out: "", err: String(e) }));
      assert.ok(result.code > 0, `exit ${result.code}`);
      assert.match(result.err, message);
    });
  }

  it("rejects invalid YAML naming the file and document", async () => {
    const file = join(dir, "broken.yaml");
    await writeFile(file, "apiVersion: v1\nkind: Pod\n---\nfoo: [unclosed\n");
    const { code, err } = await cli("validate", "-f", file);
    assert.equal(code, 2);
    assert.match(err, /broken.yaml: document 2: /);
  });

  it("certs writes a CA and prints its caBundle; a second run writes nothing", async () => {
    const certDir = join(dir, "certs");
    const first = await cli("certs", "--cert-dir", certDir);
    assert.equal(first.code, 0);
    const ca = await readFile(join(certDir, "ca.crt"), "utf8");
    assert.equal(Buffer.from(first.out.trim(), "base64").toString(), ca);
    assert.ok(new X509Certificate(ca).ca);
    const second = await cli("certs", "--cert-dir", certDir);
    assert.equal(second.out, first.out);
    assert.match(second.err, /valid; nothing written/);
  });
});
