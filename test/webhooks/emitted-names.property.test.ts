import { strict as assert } from "node:assert";
import fc from "fast-check";
import type { Operation } from "fast-json-patch";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import { desiredState } from "../../src/controllers/modelinfer/desired.js";
import type { ModelInfer } from "../../src/apis/matrixinfer.js";
import type { KubeObject } from "../../src/kube/object.js";
import { gpuPoolFindings } from "../../webhooks/validators/gpu-resources.js";
import { modelInferProblems } from "../../webhooks/validators/modelinfer.js";
import { processMutation } from "../../webhooks/mutate-processor.js";
import { applyPatch } from "../../webhooks/patch.js";
import { gpuPod, pool } from "../support/gpu.js";
import { modelInfer, role } from "../support/objects.js";
import { staticContext, staticView } from "../support/static-view.js";

/*
 * The oracle: Kubernetes' rules written out here from the API reference ("Object Names and IDs",
 * "Labels and Selectors"; k8s.io/apimachinery/pkg/util/validation), independently of
 * src/kube/validation.ts, so the property does not test that module with itself.
 */
const isDns1123Label = (s: string): boolean => s.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s);
const isDns1035Label = (s: string): boolean => s.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(s);
const isDns1123Subdomain = (s: string): boolean =>
  s.length <= 253 && s.split(".").every((part) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(part));
const isLabelValue = (s: string): boolean => s.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(s);
const isLabelKey = (s: string): boolean => {
  const [prefix, name] = s.includes("/") ? s.split("/", 2) : [undefined, s];
  return (
    (prefix === undefined || isDns1123Subdomain(prefix)) &&
    name !== undefined &&
    name.length <= 63 &&
    /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(name)
  );
};

function assertLabels(where: string, meta: ObjectMeta | undefined): void {
  for (const [k, v] of Object.entries(meta?.labels ?? {})) {
    assert.ok(isLabelKey(k), `${where}: label key ${k}`);
    assert.ok(isLabelValue(v), `${where}: label ${k}=${v}`);
  }
}

function assertPod(pod: Pod): void {
  const name = pod.metadata?.name ?? "";
  assert.ok(isDns1123Subdomain(name), `pod name ${name}`);
  assertLabels(name, pod.metadata);
  for (const field of ["hostname", "subdomain"] as const) {
    const value = pod.spec?.[field];
    if (value !== undefined) assert.ok(isDns1123Label(value), `${name}: spec.${field} ${value}`);
  }
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {}))
    assert.ok(isLabelKey(k) && isLabelValue(v), `${name}: nodeSelector ${k}=${v}`);
}

/** Names as people write them, with the characters that break each rule: '.', '_', upper case, leading digits. */
const nameish = (max: number): fc.Arbitrary<string> =>
  fc.stringMatching(new RegExp(`^[a-z0-9][-a-z0-9._A-Z]{0,${max - 1}}$`));

const modelInfers: fc.Arbitrary<ModelInfer> = fc
  .record({
    name: fc.oneof(fc.stringMatching(/^[a-z0-9][-a-z0-9]{0,55}$/), nameish(70)),
    replicas: fc.integer({ min: 1, max: 3 }),
    roles: fc.uniqueArray(
      fc.record({
        name: fc.stringMatching(/^[a-z][-a-z0-9]{0,13}$/),
        replicas: fc.integer({ min: 1, max: 3 }),
        workers: fc.integer({ min: 0, max: 3 }),
      }),
      { minLength: 1, maxLength: 3, selector: (r) => r.name },
    ),
    gang: fc.boolean(),
  })
  .map(({ name, replicas, roles, gang }) =>
    modelInfer(
      name,
      roles.map((r) => role(r.name, r.replicas, r.workers)),
      { replicas, ...(gang ? { template: { gangSchedule: {} } as ModelInfer["spec"]["template"] } : {}) },
      "ml",
    ),
  );

function mutate(pod: Pod, objects: KubeObject[]): { allowed: boolean; pod: Pod } {
  const { response } = processMutation(
    { uid: "u", kind: { group: "", version: "v1", kind: "Pod" }, operation: "CREATE", namespace: "ml", object: pod },
    { ...staticContext([]), view: staticView(objects) },
  );
  const ops = response.patch ? (JSON.parse(Buffer.from(response.patch, "base64").toString()) as Operation[]) : [];
  return { allowed: response.allowed, pod: applyPatch(pod, ops) };
}

describe("values inferplane derives for a pod", () => {
  it("are refused (422, at the pod's field) when a source object slipped past validation, never patched in", () => {
    // A GPUPool stored before the validating webhook ran: its gpuProduct has spaces, no label value.
    const gpuPool = {
      ...pool("p", { gpuProduct: "NVIDIA A100", sharing: { mode: "exclusive" } }),
      metadata: { name: "p", namespace: "ml" },
    };
    const { response } = processMutation(
      {
        uid: "u",
        kind: { group: "", version: "v1", kind: "Pod" },
        operation: "CREATE",
        namespace: "ml",
        object: gpuPod({ "inference.ai/gpu-pool": "p" }),
      },
      { ...staticContext([]), view: staticView([gpuPool]) },
    );
    assert.equal(response.status?.code, 422);
    assert.ok(
      response.status.message.includes(" is invalid: spec.nodeSelector[nvidia.com/gpu.product]: "),
      response.status.message,
    );
  });
});

describe("every name, hostname and label value inferplane emits is valid by Kubernetes' rules (property)", () => {
  it("a ModelInfer the validating webhook accepts makes only valid pods, Services and PodGroups, also through the pod webhook", () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(modelInfers, (mi) => {
        if (modelInferProblems(mi).length > 0) {
          refused++;
          return;
        }
        accepted++;
        for (const group of desiredState(mi)) {
          for (const pod of group.pods) {
            assertPod(pod);
            const admitted = mutate(pod, [mi]);
            assert.ok(admitted.allowed, `the pod webhook admits ${pod.metadata?.name ?? ""}`);
            assertPod(admitted.pod);
          }
          for (const svc of group.services) {
            assert.ok(isDns1035Label(svc.metadata?.name ?? ""), `Service ${svc.metadata?.name ?? ""}`);
            assertLabels(`Service ${svc.metadata?.name ?? ""}`, svc.metadata);
          }
          if (group.podGroup) assert.ok(isDns1123Subdomain(group.podGroup.metadata.name), group.podGroup.metadata.name);
        }
      }),
      { numRuns: 300 },
    );
    assert.ok(accepted > 20 && refused > 20, `both sides exercised: ${accepted} accepted, ${refused} refused`);
  });

  it("a GPUPool the validating webhook accepts gives pods only valid node selectors; one that slipped past is refused, never emitted", () => {
    const counts = { admitted: 0, refused: 0 };
    const values = fc.oneof(nameish(40), fc.constantFrom("NVIDIA A100", "NVIDIA-H100-80GB-HBM3", "x".repeat(70)));
    fc.assert(
      fc.property(values, values, fc.constantFrom("exclusive", "timeslice"), (product, rack, mode) => {
        const gpuPool = pool("p", { gpuProduct: product, nodeSelector: { rack }, sharing: { mode } });
        const accepted = gpuPoolFindings(gpuPool as never).problems.length === 0;
        const admitted = mutate(gpuPod({ "inference.ai/gpu-pool": "p" }), [
          { ...gpuPool, metadata: { name: "p", namespace: "ml" } },
        ]);
        if (accepted) assert.ok(admitted.allowed);
        if (admitted.allowed) assertPod(admitted.pod);
        counts[admitted.allowed ? "admitted" : "refused"]++;
      }),
      { numRuns: 300 },
    );
    assert.ok(counts.admitted > 20 && counts.refused > 20, JSON.stringify(counts));
  });
});
