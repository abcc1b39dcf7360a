import { strict as assert } from "node:assert";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crdSchema } from "../../src/apis/crds.js";
import { formatFieldError } from "../../webhooks/field-errors.js";
import { admitBySchema } from "../../webhooks/validators/crd-gate.js";
import { pruneNulls } from "../../webhooks/validators/crd-nulls.js";
import { cli } from "../support/cli.js";

const MI = "workload.matrixinfer.ai/v1alpha1";

/** The object as the apiserver keeps it, and what it refuses, as text. */
function admit(apiVersion: string, kind: string, obj: unknown): { object: unknown; errors: string[] } {
  const admitted = admitBySchema(apiVersion, kind, obj)!;
  return { object: admitted.object, errors: admitted.errors.map(formatFieldError) };
}

/** A YAML object of one of our kinds, `spec` as written. */
function doc(apiVersion: string, kind: string, spec: string, meta = "{name: x, namespace: default}"): string {
  return `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: ${meta}\n${spec}\n`;
}

const ISVC = (spec: string): string =>
  doc("inference.ai/v1alpha1", "InferenceService", `spec:\n  model: {name: m}\n${spec}`);

describe("null fields, as kube-apiserver reads them (prunenulls.go, then the schema)", () => {
  it("drop a null field that is not nullable, default it when the field has a default, keep a null list item", () => {
    const schema = crdSchema(MI, "ModelInfer")!;
    const { value, dropped } = pruneNulls(schema, {
      spec: {
        replicas: null,
        schedulerName: null,
        template: { roles: [null], gangSchedule: { minRoleReplicas: { a: null } } },
      },
    });
    assert.deepEqual(value, {
      spec: { replicas: 1, template: { roles: [null], gangSchedule: { minRoleReplicas: {} } } },
    });
    assert.deepEqual(
      dropped.map((d) => `${d.path}: ${d.detail}`),
      [
        "spec.replicas: null is replaced by the default 1: the field is not nullable",
        "spec.schedulerName: null is dropped: the field is not nullable",
        "spec.template.gangSchedule.minRoleReplicas[a]: null is dropped: the field is not nullable",
      ],
    );
  });

  it("refuse a null list item with its path, before any semantic rule reads it", () => {
    assert.deepEqual(
      admit(MI, "ModelInfer", { metadata: { name: "m" }, spec: { template: { roles: [null] } } }).errors,
      ["spec.template.roles[0]: null, not an object; write an object"],
    );
    assert.deepEqual(
      admit("production-stack.vllm.ai/v1alpha1", "InferenceGateway", {
        metadata: { name: "g" },
        spec: { routes: [null] },
      }).errors,
      ["spec.routes[0]: null, not an object; write an object"],
    );
  });

  describe("inferplane validate and render answer every one without a stack trace", () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "inferplane-nulls-"));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    const CASES: [name: string, yaml: string, verdict: RegExp][] = [
      ["cache.prefixCacheSize: null", ISVC("  cache: {enabled: true, prefixCacheSize: null}"), /^valid: /m],
      [
        "autoscaling.metrics: [null]",
        ISVC("  autoscaling: {maxReplicas: 3, metrics: [null]}"),
        /spec\.autoscaling\.metrics\[0\]: null, not an object/,
      ],
      [
        "staticBackends: null",
        doc("production-stack.vllm.ai/v1alpha1", "StaticRoute", "spec:\n  staticBackends: null\n  staticModels: m"),
        /spec\.staticBackends: required/,
      ],
      [
        "TokenCache tiers[0]: null",
        doc("inference.ai/v1alpha1", "TokenCache", "spec:\n  tiers: [null]"),
        /spec\.tiers\[0\]: null, not an object/,
      ],
      [
        "TokenCache tiers[0].size: null",
        doc("inference.ai/v1alpha1", "TokenCache", "spec:\n  tiers: [{name: a, type: prefix, size: null}]"),
        /^valid: /m,
      ],
      [
        "GPUPool mps.pinnedMemoryLimit: null",
        doc(
          "inference.ai/v1alpha1",
          "GPUPool",
          "spec:\n  sharing: {mode: mps, mps: {pinnedMemoryLimit: null}}",
          "{name: p}",
        ),
        /^valid: /m,
      ],
      [
        "ModelInfer roles: [null]",
        doc(MI, "ModelInfer", "spec:\n  template:\n    roles: [null]"),
        /spec\.template\.roles\[0\]: null, not an object/,
      ],
      [
        "InferenceGateway routes: [null]",
        doc("production-stack.vllm.ai/v1alpha1", "InferenceGateway", "spec:\n  routes: [null]"),
        /spec\.routes\[0\]: null, not an object/,
      ],
      [
        "a production-stack InferenceService without spec, named by a gateway",
        [
          doc(
            "production-stack.vllm.ai/v1alpha1",
            "InferenceGateway",
            "spec:\n  routes: [{model: m, inferenceServiceRef: bare}]",
          ),
          doc("production-stack.vllm.ai/v1alpha1", "InferenceService", "", "{name: bare, namespace: default}"),
        ].join("---\n"),
        /InferenceService default\/bare is invalid: spec: required/,
      ],
    ];

    for (const [name, yaml, verdict] of CASES) {
      it(name, async () => {
        const file = join(dir, `${name.replace(/\W+/g, "-")}.yaml`);
        await writeFile(file, yaml);
        const validated = await cli("validate", "-f", file);
        assert.match(validated.out + validated.err, verdict);
        assert.doesNotMatch(validated.err, /\n\s+at /, "no stack trace");
        assert.equal(validated.code, verdict.source.startsWith("^valid") ? 0 : 1, validated.err);
        const rendered = await cli("render", "-f", file);
        assert.ok(rendered.code === 0 || rendered.code === 1, rendered.err);
        assert.doesNotMatch(rendered.err, /\n\s+at |TypeError/, "no stack trace");
      });
    }

    it("say which null fields the apiserver drops, as warnings", async () => {
      const file = join(dir, "dropped.yaml");
      await writeFile(file, ISVC("  cache: {enabled: true, prefixCacheSize: null}"));
      const { err } = await cli("validate", "-f", file);
      assert.equal(
        err,
        "warning: InferenceService default/x: spec.cache.prefixCacheSize: null is dropped: the field is not nullable; remove it, or write a value\n",
      );
    });
  });
});
