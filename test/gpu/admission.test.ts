import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "../../src/kube/object.js";
import { dryRun } from "../../src/cli/dry-run.js";
import { admissionWarnings } from "../../webhooks/warnings.js";
import { EXAMPLES, examplesContext } from "../support/fixtures.js";
import { assertValidKubernetes } from "../support/schema.js";

const EXAMPLE_POD = join(EXAMPLES, "gpu", "pods", "llama3-prefill-mig.yaml");

describe("GPU features through the admission webhooks (examples/gpu)", () => {
  it("a MIG + token cache + PD prefill pod is mutated, validated, and a second pass changes nothing", async () => {
    const ctx = await examplesContext();
    const pod = parse(readFileSync(EXAMPLE_POD, "utf8")) as KubeObject;
    const first = dryRun(pod, ctx);
    assert.equal(first.mutation.allowed, true, first.mutation.status?.message);
    assert.equal(first.validation?.allowed, true, first.validation?.status?.message);
    assert.deepEqual(first.mutation.warnings, ["container vllm: --max-num-seqs 64 replaced by 256"]);
    const result = first.result as Pod;
    assertValidKubernetes(result);
    const engine = result.spec!.containers[0]!;
    assert.deepEqual(engine.resources?.limits, { "nvidia.com/mig-3g.40gb": "1", memory: "32Gi" });
    assert.ok(engine.args!.includes("--speculative-config"));
    assert.equal(result.spec!.initContainers?.[0]?.name, "lmcache-warmup");
    assert.ok(
      first.patch.every((op) => op.op !== "replace" || op.path.startsWith("/spec/containers/0/args/")),
      "only a user's flag is replaced in place",
    );
    const second = dryRun(result, ctx);
    assert.deepEqual(second.patch, [], "reinvocation gives the same object");
  });

  it("a pod that names a missing TokenCache is forbidden (403) at that annotation", async () => {
    const ctx = await examplesContext();
    const pod = parse(readFileSync(EXAMPLE_POD, "utf8")) as KubeObject & {
      metadata: { annotations: Record<string, string> };
    };
    pod.metadata.annotations["inference.ai/token-cache"] = "no-such-cache";
    const run = dryRun(pod, ctx);
    assert.equal(run.mutation.allowed, false);
    assert.equal(run.mutation.status?.code, 403);
    assert.ok(
      run.mutation.status.message.includes("is forbidden: metadata.annotations[inference.ai/token-cache]: "),
      run.mutation.status.message,
    );
  });
});

describe("admission warnings", () => {
  it("are cut to 120 characters, visibly", () => {
    const long = "x".repeat(200);
    assert.deepEqual(
      admissionWarnings(["short", long]).map((w) => w.length),
      [5, 120],
    );
    assert.ok(admissionWarnings([long])[0]!.endsWith("…"));
  });
});
