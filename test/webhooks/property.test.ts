import { strict as assert } from "node:assert";
import fc from "fast-check";
import type { Operation } from "fast-json-patch";
import type { Container, EnvVar, Pod } from "kubernetes-types/core/v1.js";
import { processMutation } from "../../webhooks/mutate-processor.js";
import { applyPatch } from "../../webhooks/patch.js";
import { podName } from "../../src/modelinfer/naming.js";
import { modelInfer, role } from "../support/objects.js";
import { assertValidKubernetes } from "../support/schema.js";
import { staticContext } from "../support/static-view.js";

const roles = [role("prefill", 3, 0), role("decode", 2, 4)];
const ctx = staticContext([modelInfer("mi", roles, { replicas: 3 })]);

const envName = fc.constantFrom("GROUP_SIZE", "WORKER_INDEX", "ENTRY_ADDRESS", "HF_HOME", "VLLM_PORT", "NCCL_DEBUG");
const envVar: fc.Arbitrary<EnvVar> = fc.oneof(
  fc.record({ name: envName, value: fc.string({ maxLength: 12 }) }),
  fc.record({ name: envName, valueFrom: fc.constant({ fieldRef: { fieldPath: "metadata.name" } }) }),
);
const container = (name: string): fc.Arbitrary<Container> =>
  fc
    .record({
      name: fc.constant(name),
      image: fc.constantFrom("vllm/vllm-openai:v0.11.0", "busybox"),
      env: fc.option(fc.array(envVar, { maxLength: 5 }), { nil: undefined }),
    })
    .map((c) => (c.env === undefined ? { name: c.name, image: c.image } : c));
const labels = fc.dictionary(
  fc.constantFrom("app", "example.com/team", "tier", "a.b/c-d"),
  fc.stringMatching(/^[a-z0-9]{0,8}$/),
  { maxKeys: 4 },
);

const pod: fc.Arbitrary<Pod> = fc
  .record({
    roleIndex: fc.nat(1),
    group: fc.nat(2),
    pick: fc.nat(100),
    containers: fc.integer({ min: 1, max: 4 }),
    inits: fc.integer({ min: 0, max: 2 }),
    labels,
  })
  .chain((p) =>
    fc
      .record({
        containers: fc.tuple(...Array.from({ length: p.containers }, (_, i) => container(`c${i}`))),
        initContainers: fc.tuple(...Array.from({ length: p.inits }, (_, i) => container(`init${i}`))),
      })
      .map(({ containers, initContainers }) => {
        const r = roles[p.pick % 2]!;
        const index = p.pick % ((r.workerReplicas ?? 0) + 1);
        const spec: Pod["spec"] = { containers: [...containers] };
        if (initContainers.length > 0) spec.initContainers = [...initContainers];
        return {
          apiVersion: "v1",
          kind: "Pod",
          metadata: {
            name: podName("mi", p.group, r.name, p.roleIndex % (r.replicas ?? 1), index),
            namespace: "default",
            labels: {
              ...p.labels,
              "inference.ai/managed": "true",
              "modelinfer.matrixinfer.ai/name": "mi",
              "modelinfer.matrixinfer.ai/role": r.name,
            },
          },
          spec,
        };
      }),
  );

function admit(obj: Pod): { ops: Operation[]; allowed: boolean } {
  const { response } = processMutation(
    {
      uid: "u",
      kind: { group: "", version: "v1", kind: "Pod" },
      operation: "CREATE",
      namespace: "default",
      object: obj,
    },
    ctx,
  );
  return {
    allowed: response.allowed,
    ops: response.patch ? (JSON.parse(Buffer.from(response.patch, "base64").toString()) as Operation[]) : [],
  };
}

describe("ModelInfer pod enhancement (property)", () => {
  it("on random pods: the patch applies, the result is a valid Pod with each variable once, and a second pass patches nothing", () => {
    fc.assert(
      fc.property(pod, (input) => {
        const first = admit(input);
        assert.ok(first.allowed);
        const result = applyPatch(input, first.ops);
        assertValidKubernetes(result);
        for (const c of [...(result.spec!.initContainers ?? []), ...result.spec!.containers]) {
          for (const name of ["GROUP_SIZE", "WORKER_INDEX", "ENTRY_ADDRESS"]) {
            const matches = (c.env ?? []).filter((e) => e.name === name);
            assert.equal(matches.length, 1, `${c.name} has ${name} once`);
            assert.equal(typeof matches[0]!.value, "string");
            assert.equal(matches[0]!.valueFrom, undefined);
          }
        }
        assert.deepEqual(admit(result).ops, []);
      }),
      { numRuns: 300 },
    );
  });
});
