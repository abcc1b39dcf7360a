import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { InferenceService } from "../../src/apis/inference-ai.js";
import { inferenceServiceDesired } from "../../src/controllers/inferenceservice/desired.js";
import { validateOnly } from "../../src/cli/dry-run.js";
import { schemaProblems } from "../support/crd-schema.js";
import { crdSchema } from "../../src/apis/crds.js";
import { EXAMPLES, examplesContext, FIXTURES } from "../support/fixtures.js";
import { assertValidKubernetes } from "../support/schema.js";

const DIR = join(EXAMPLES, "inference-service");
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith(".yaml"))
  .sort();
const schema = crdSchema("inference.ai/v1alpha1", "InferenceService")!;

describe("examples/inference-service", () => {
  it("opens with the seed's example, as written", () => {
    const seed = parse(readFileSync(join(FIXTURES, "seed-examples.yaml"), "utf8").split("\n---\n")[0]!) as unknown;
    assert.deepEqual(parse(readFileSync(join(DIR, FILES[0]!), "utf8")), seed);
  });

  for (const file of FILES) {
    it(`${file}: valid by the CRD and the webhook, and renders objects a cluster accepts`, async () => {
      const svc = parse(readFileSync(join(DIR, file), "utf8")) as InferenceService;
      assert.deepEqual(schemaProblems(schema, svc), []);
      const ctx = await examplesContext();
      const verdict = validateOnly(svc, ctx);
      assert.equal(verdict.allowed, true, verdict.status?.message);
      const state = inferenceServiceDesired(
        { ...svc, metadata: { ...svc.metadata, namespace: "default", uid: "u" } },
        ctx.view,
        new Map(),
      );
      assert.equal(state.hold, undefined, state.hold);
      for (const child of state.children.filter((c) => c.kind !== "ModelInfer")) assertValidKubernetes(child);
    });
  }
});
