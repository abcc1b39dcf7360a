import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { generateApiTypes } from "../../scripts/generate-api-types.js";
import { REPO_ROOT } from "../support/fixtures.js";
import { SERVED_KINDS } from "../../src/cluster-view/served-kinds.js";
import { apiVersionOf } from "../../src/kube/kind.js";

interface Crd {
  spec: { group: string; scope: string; names: { kind: string; plural: string }; versions: { name: string }[] };
}

describe("API types generated from the CRDs", function () {
  this.timeout(30_000);

  it("are what crds/ generates now: a CRD field and its type cannot disagree (run `npm run generate` after a CRD change)", async () => {
    const files = await generateApiTypes();
    assert.ok(files.size >= 8);
    for (const [path, text] of files) {
      assert.ok(existsSync(path), `${path} missing`);
      assert.equal(readFileSync(path, "utf8"), text, `${path} is stale`);
    }
  });

  it("carry each field's CRD description as its doc comment", async () => {
    const text = [...(await generateApiTypes()).entries()].find(([p]) => p.includes("modelinfers"))![1];
    assert.match(text, /\/\*\*[^/]*restart[^/]*\*\/\s*restartGracePeriodSeconds\?: number;/i);
  });

  it("give every served custom kind the group, version, plural and scope of its CRD", () => {
    const crds = readdirSync(join(REPO_ROOT, "crds")).map(
      (f) => parse(readFileSync(join(REPO_ROOT, "crds", f), "utf8")) as Crd,
    );
    const ours = SERVED_KINDS.map((s) => s.kind).filter((k) =>
      crds.some((c) => c.spec.group === k.group && c.spec.names.kind === k.kind),
    );
    assert.ok(ours.length >= 8);
    for (const kind of ours) {
      const crd = crds.find((c) => c.spec.group === kind.group && c.spec.names.kind === kind.kind)!;
      assert.equal(apiVersionOf(kind), `${crd.spec.group}/${crd.spec.versions[0]!.name}`);
      assert.equal(kind.plural, crd.spec.names.plural);
      assert.equal(kind.namespaced, crd.spec.scope === "Namespaced");
    }
  });
});
