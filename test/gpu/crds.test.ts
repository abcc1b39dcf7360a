import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { KubeObject } from "../../src/kube/object.js";
import { validateOnly } from "../../src/cli/dry-run.js";
import { examplesContext, REPO_ROOT } from "../support/fixtures.js";
import { loadCrd, schemaProblems, structuralProblems, type Schema } from "../support/crd-schema.js";

const GPU_CRDS = readdirSync(join(REPO_ROOT, "crds")).filter((f) =>
  /^(inference\.ai|production-stack\.vllm\.ai)_/.test(f),
);
const schemas = new Map<string, Schema>();
for (const file of GPU_CRDS) {
  const crd = loadCrd(file);
  schemas.set(
    `${crd.spec.group}/${crd.spec.versions[0]!.name}/${crd.spec.names.kind}`,
    crd.spec.versions[0]!.schema.openAPIV3Schema,
  );
}

function documents(path: string): KubeObject[] {
  return parseAllDocuments(readFileSync(path, "utf8")).map((d) => d.toJS() as KubeObject);
}

const SEEDS = documents(join(REPO_ROOT, "test", "fixtures", "seed-examples.yaml"));

describe("GPU and cache CRDs", () => {
  it("are seven structural, namespaced CRDs with printer columns", () => {
    assert.equal(GPU_CRDS.length, 7);
    for (const file of GPU_CRDS) {
      const crd = loadCrd(file) as unknown as {
        spec: {
          scope: string;
          versions: {
            additionalPrinterColumns: unknown[];
            subresources: unknown;
            schema: { openAPIV3Schema: Schema };
          }[];
        };
      };
      const version = crd.spec.versions[0]!;
      assert.equal(crd.spec.scope, "Namespaced", file);
      assert.ok(version.additionalPrinterColumns.length >= 2, file);
      assert.deepEqual(structuralProblems(version.schema.openAPIV3Schema), [], file);
    }
  });

  it("accept every seed example as written — by their schema and by the validating webhook", async () => {
    assert.equal(SEEDS.length, 10);
    const ctx = await examplesContext();
    for (const obj of SEEDS) {
      const where = `${obj.kind ?? ""} ${obj.metadata?.name ?? ""}`;
      const schema = schemas.get(`${obj.apiVersion ?? ""}/${obj.kind ?? ""}`);
      assert.ok(schema, `no CRD for ${where}`);
      assert.deepEqual(schemaProblems(schema, obj), [], where);
      const verdict = validateOnly(obj, ctx);
      assert.equal(verdict.allowed, true, `${where}: ${verdict.status?.message ?? ""}`);
      for (const warning of verdict.warnings ?? []) assert.ok(warning.length <= 120, `warning too long: ${warning}`);
    }
  });

  it("the schemas refuse what they can say: a bad enum, a wrong type, an unknown field, a missing required field", () => {
    const pool = structuredClone(SEEDS.find((o) => o.kind === "GPUPool")!) as KubeObject & {
      spec: Record<string, unknown>;
    };
    const schema = schemas.get("inference.ai/v1alpha1/GPUPool")!;
    const bad = {
      ...pool,
      spec: { ...pool.spec, sharing: { mode: "full" }, oversubscription: { ratio: 1.5 }, colour: "green" },
    };
    const problems = schemaProblems(schema, bad);
    assert.ok(
      problems.some((p) => p.includes(".spec.sharing.mode") && p.includes("not one of")),
      problems.join("\n"),
    );
    assert.ok(problems.some((p) => p.includes(".spec.oversubscription.ratio: must be an integer or a string")));
    assert.ok(problems.some((p) => p === ".spec.colour: unknown field"));
    assert.deepEqual(
      schemaProblems(schemas.get("production-stack.vllm.ai/v1alpha1/SpeculativeDecoding")!, {
        apiVersion: "x",
        kind: "y",
        metadata: {},
        spec: { draftModel: "a" },
      }),
      [".spec.targetModel: required"],
    );
  });

  it("the examples' GPU objects satisfy their CRDs too", () => {
    for (const obj of documents(join(REPO_ROOT, "examples", "gpu", "pool-and-caches.yaml"))) {
      assert.deepEqual(
        schemaProblems(schemas.get(`${obj.apiVersion ?? ""}/${obj.kind ?? ""}`)!, obj),
        [],
        obj.metadata?.name,
      );
    }
  });
});
