import { strict as assert } from "node:assert";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCommandLine } from "../../src/cli/parse.js";
import { ConfigError, serveConfig } from "../../src/config.js";
import { cli } from "../support/cli.js";

/** One line on stderr, no stack trace: what the CLI owes bad input. */
function assertOneLine(err: string): void {
  assert.equal(err.split("\n").filter(Boolean).length, 1, err);
  assert.doesNotMatch(err, /\n\s+at |Error:/, err);
}

/** A "billion laughs" YAML document: 10 levels of 10 aliases each. */
function aliasBomb(): string {
  const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i <= 10; i++)
    lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(", ")}]`);
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
}

const BAD_ROLE =
  "apiVersion: workload.matrixinfer.ai/v1alpha1\nkind: ModelInfer\nmetadata: {name: m, namespace: default}\nspec:\n  template:\n    roles: [{name: BAD, entryTemplate: {spec: {containers: [{name: e, image: x}]}}}]\n";

describe("CLI: hostile input gets a one-line answer and exit 2, never a stack trace", () => {
  let dir: string;
  let file: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "inferplane-hostile-"));
    file = join(dir, "ok.yaml");
    await writeFile(file, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n");
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("--manifests naming a file", async () => {
    for (const command of ["validate", "render", "mutate"]) {
      const { code, err } = await cli(command, "-f", file, "--manifests", file);
      assert.equal(code, 2, command);
      assertOneLine(err);
      assert.match(err, /--manifests .*ok\.yaml: not a directory; name the directory that holds the YAML files/);
    }
  });

  it("--cert-dir below a file", async () => {
    const { code, err } = await cli("certs", "--cert-dir", join(file, "x"));
    assert.equal(code, 2);
    assertOneLine(err);
    assert.match(
      err,
      /^inferplane certs: .*ok\.yaml\/x\/ca\.crt: a part of the path is a file, not a directory \(ENOTDIR\)\n$/,
    );
  });

  it("a YAML alias bomb", async () => {
    const bomb = join(dir, "bomb.yaml");
    await writeFile(bomb, aliasBomb());
    const { code, err } = await cli("validate", "-f", bomb);
    assert.equal(code, 2);
    assertOneLine(err);
    assert.match(err, /bomb\.yaml: document 1: Excessive alias count/);
  });

  it("a flag that takes one value, given twice", async () => {
    const { code, err } = await cli("validate", "-f", file, "--namespace", "a", "--namespace", "b");
    assert.equal(code, 2);
    assert.match(err, /^inferplane validate: --namespace is given more than once; give it once\n/);
  });

  it("serve takes a repeated flag's last value: the chart's extraArgs override its own flags", () => {
    const { values } = parseCommandLine(["serve", "--log-level=info", "--port", "8443", "--log-level=debug"]);
    assert.deepEqual([values["log-level"], values.port], ["debug", "8443"]);
    assert.throws(() => parseCommandLine(["validate", "--namespace", "a", "--namespace", "b"]), /given more than once/);
  });

  it("conflicting serve flags: --standalone or --manifests with --kubeconfig", () => {
    for (const flags of [
      { standalone: true, kubeconfig: "/nonexistent" },
      { manifests: dir, kubeconfig: "/nonexistent" },
    ])
      assert.throws(
        () => serveConfig(flags, {}),
        (e: unknown) => e instanceof ConfigError && /and --kubeconfig conflict/.test(e.message),
      );
  });

  it("serve with no cluster and neither --standalone nor --manifests is refused, not run on examples", () => {
    const home = mkdtempSync(join(tmpdir(), "inferplane-home-"));
    assert.throws(
      () => serveConfig({}, { HOME: home }),
      (e: unknown) =>
        e instanceof ConfigError && /no cluster to serve/.test(e.message) && /--standalone/.test(e.message),
    );
    assert.equal(serveConfig({ kubeconfig: join(home, "config") }, { HOME: home }).manifests, undefined);
    assert.equal(serveConfig({}, { HOME: home, KUBECONFIG: join(home, "config") }).manifests, undefined);
    assert.ok(serveConfig({ standalone: true }, { HOME: home }).manifests);
  });

  it("counts in flags are plain decimal digits", () => {
    for (const port of ["0x1F90", "1e3", "8080.0", " 8080"])
      assert.throws(() => serveConfig({ standalone: true, port }, {}), ConfigError, port);
    assert.equal(serveConfig({ standalone: true, port: "8443" }, {}).port, 8443);
  });
});

describe("CLI: validate checks every object it is given", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "inferplane-every-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("-f A -f B checks both files, in order", async () => {
    const a = join(dir, "a.yaml");
    const b = join(dir, "b.yaml");
    await writeFile(a, BAD_ROLE);
    await writeFile(b, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\n");
    const { code, out, err } = await cli("validate", "-f", a, "-f", b);
    assert.equal(code, 1);
    assert.match(err, /^invalid: ModelInfer default\/m is invalid: spec\.template\.roles\[0\]\.name/);
    assert.equal(out, "valid: ConfigMap default/fine\n");
  });

  it("a List's items, one by one", async () => {
    const list = join(dir, "list.yaml");
    const item = BAD_ROLE.replace(/^/gm, "    ").replace(/^ {4}apiVersion/, "  - apiVersion");
    await writeFile(list, `apiVersion: v1\nkind: List\nitems:\n${item}`);
    const { code, out, err } = await cli("validate", "-f", list);
    assert.equal(code, 1, err);
    assert.equal(out, "");
    assert.match(err, /^invalid: ModelInfer default\/m is invalid: spec\.template\.roles\[0\]\.name/);
  });

  it("the name and namespace of our kinds, as the apiserver checks them", async () => {
    const named = join(dir, "named.yaml");
    await writeFile(
      named,
      'apiVersion: inference.ai/v1alpha1\nkind: InferenceService\nmetadata: {name: Bad_Name, namespace: "Bad NS"}\nspec: {model: {name: m}}\n',
    );
    const { code, err } = await cli("validate", "-f", named);
    assert.equal(code, 1);
    assert.match(err, /metadata\.name: "Bad_Name" is not a DNS-1123 subdomain/);
    assert.match(err, /metadata\.namespace: "Bad NS" is not a DNS-1123 label/);
  });
});
