import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { KubeObject } from "../../src/kube/object.js";
import { validateOnly } from "../../src/cli/dry-run.js";
import { crdSchemas, readCrds, type CustomResourceDefinition, type OpenApiSchema } from "../../src/apis/crds.js";
import { examplesContext, REPO_ROOT } from "../support/fixtures.js";
import { schemaProblems, structuralProblems } from "../support/crd-schema.js";

function documents(path: string): KubeObject[] {
  return parseAllDocuments(readFileSync(path, "utf8")).map((d) => d.toJS() as KubeObject);
}

describe("GPU and cache CRDs", () => {
  let GPU_CRDS: CustomResourceDefinition[];
  let schemas: Map<string, OpenApiSchema>;
  let SEEDS: KubeObject[];
  before(() => {
    GPU_CRDS = readCrds(join(REPO_ROOT, "crds")).filter((crd) =>
      ["inference.ai", "production-stack.vllm.ai"].includes(crd.spec.group),
    );
    schemas = crdSchemas(GPU_CRDS);
    SEEDS = documents(join(REPO_ROOT, "test", "fixtures", "seed-examples.yaml"));
  });

  it("are nine structural CRDs with printer columns, namespaced but GPUPool (cluster-scoped, as the nodes it describes)", () => {
    assert.equal(GPU_CRDS.length, 9);
    for (const crd of GPU_CRDS) {
      const { scope, versions } = crd.spec as typeof crd.spec & {
        scope: string;
        versions: { additionalPrinterColumns: unknown[] }[];
      };
      const version = versions[0]!;
      assert.equal(scope, crd.metadata.name === "gpupools.inference.ai" ? "Cluster" : "Namespaced", crd.metadata.name);
      assert.ok(version.additionalPrinterColumns.length >= 2, crd.metadata.name);
      assert.deepEqual(structuralProblems(version.schema.openAPIV3Schema), [], crd.metadata.name);
    }
  });

  it("accept every seed example as written — by their schema and by the validating webhook", async () => {
    assert.equal(SEEDS.length, 12);
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
    assert.deepEqual(problems, [
      'spec.sharing.mode: "full" is not supported; use one of: exclusive, mig, mps, timeslice',
      "spec.oversubscription.ratio: 1.5 is a number, not an integer or a string; write an integer or a string",
      "spec.colour: unknown field; remove it; known here: " +
        Object.keys(schema.properties!.spec!.properties!).join(", "),
    ]);
    assert.deepEqual(
      schemaProblems(schemas.get("production-stack.vllm.ai/v1alpha1/SpeculativeDecoding")!, {
        apiVersion: "x",
        kind: "y",
        metadata: {},
        spec: { draftModel: "a" },
      }),
      ["spec.targetModel: required; add targetModel: a string"],
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
