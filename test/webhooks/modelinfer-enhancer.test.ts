import { strict as assert } from "node:assert";
import type { Container, Pod } from "kubernetes-types/core/v1.js";
import { enhanceModelInferPod } from "../../webhooks/enhancers/modelinfer.js";
import { resolveModelInferPlace } from "../../webhooks/enhancers/modelinfer-place.js";
import { templateRevision } from "../../src/modelinfer/revision.js";
import { modelInfer, optedInPod, role } from "../support/objects.js";
import { staticView } from "../support/static-view.js";

const gangMi = modelInfer("sample", [role("prefill", 2, 0), role("decode", 1, 3)], {
  replicas: 2,
  template: {
    roles: [role("prefill", 2, 0), role("decode", 1, 3)],
    gangSchedule: { networkTopology: { mode: "hard", highestTierAllowed: 1 } },
  },
});
const view = staticView([gangMi]);

function env(container: Container): Record<string, string | undefined> {
  return Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
}

function enhance(pod: Pod): { pod: Pod; warnings: string[] } {
  const place = resolveModelInferPlace(pod, "default", view);
  assert.ok(place.ok, place.ok ? "" : place.message);
  return enhanceModelInferPod(pod, place.value);
}

describe("ModelInfer pod enhancer", () => {
  it("labels, env and hostname of an entry pod", () => {
    const { pod } = enhance(optedInPod("sample-1-decode-0-0", "sample", "decode"));
    assert.deepEqual(pod.metadata?.labels, {
      "inference.ai/managed": "true",
      "modelinfer.matrixinfer.ai/name": "sample",
      "modelinfer.matrixinfer.ai/role": "decode",
      "modelinfer.matrixinfer.ai/group-name": "sample-1",
      "modelinfer.matrixinfer.ai/role-id": "decode-0",
      "modelinfer.matrixinfer.ai/revision": templateRevision(gangMi.spec),
      "modelinfer.matrixinfer.ai/entry": "true",
    });
    assert.deepEqual(env(pod.spec!.containers[0]!), {
      GROUP_SIZE: "4",
      ENTRY_ADDRESS: "sample-1-decode-0-0.sample-1-decode-0-0.default",
      WORKER_INDEX: "0",
    });
    assert.equal(pod.spec?.hostname, "sample-1-decode-0-0");
    assert.equal(pod.spec.subdomain, "sample-1-decode-0-0");
    assert.deepEqual(pod.metadata.annotations, {
      "scheduling.k8s.io/group-name": "sample-1",
      "volcano.sh/task-spec": "decode-0",
    });
  });

  it("workers get their index, no hostname, and lose a wrong entry label", () => {
    const input = optedInPod("sample-0-decode-0-3", "sample", "decode");
    input.metadata!.labels!["modelinfer.matrixinfer.ai/entry"] = "true";
    const { pod } = enhance(input);
    assert.equal(env(pod.spec!.containers[0]!).WORKER_INDEX, "3");
    assert.equal(pod.metadata?.labels?.["modelinfer.matrixinfer.ai/entry"], undefined);
    assert.equal(pod.spec?.hostname, undefined);
  });

  it("sets env on initContainers too and replaces a user's value in place, with a warning", () => {
    const input = optedInPod("sample-0-prefill-1-0", "sample", "prefill");
    input.spec!.initContainers = [{ name: "init", image: "busybox", env: [{ name: "A", value: "1" }] }];
    input.spec!.containers[0]!.env = [
      { name: "X", value: "x" },
      { name: "GROUP_SIZE", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    ];
    const { pod, warnings } = enhance(input);
    assert.deepEqual(pod.spec!.containers[0]!.env, [
      { name: "X", value: "x" },
      { name: "GROUP_SIZE", value: "1" },
      { name: "ENTRY_ADDRESS", value: "sample-0-prefill-1-0.sample-0-prefill-1-0.default" },
      { name: "WORKER_INDEX", value: "0" },
    ]);
    assert.deepEqual(env(pod.spec!.initContainers![0]!), {
      A: "1",
      GROUP_SIZE: "1",
      ENTRY_ADDRESS: "sample-0-prefill-1-0.sample-0-prefill-1-0.default",
      WORKER_INDEX: "0",
    });
    assert.deepEqual(warnings, ["container engine: env GROUP_SIZE replaced by inferplane"]);
  });

  it("is pure and idempotent", () => {
    const input = optedInPod("sample-0-decode-0-1", "sample", "decode");
    const before = structuredClone(input);
    const once = enhance(input);
    assert.deepEqual(input, before);
    const twice = enhance(once.pod);
    assert.deepEqual(twice.pod, once.pod);
    assert.deepEqual(twice.warnings, []);
  });

  it("adds no gang annotations without gangSchedule", () => {
    const plain = modelInfer("plain", [role("serve", 1, 1)]);
    const place = resolveModelInferPlace(
      optedInPod("plain-0-serve-0-1", "plain", "serve"),
      "default",
      staticView([plain]),
    );
    assert.ok(place.ok);
    assert.equal(
      enhanceModelInferPod(optedInPod("plain-0-serve-0-1", "plain", "serve"), place.value).pod.metadata?.annotations,
      undefined,
    );
  });

  it("resolves a generateName entry pod from its labels", () => {
    const pod = optedInPod("", "sample", "decode");
    delete pod.metadata!.name;
    pod.metadata!.generateName = "sample-";
    Object.assign(pod.metadata!.labels!, {
      "modelinfer.matrixinfer.ai/group-name": "sample-1",
      "modelinfer.matrixinfer.ai/role-id": "decode-0",
      "modelinfer.matrixinfer.ai/entry": "true",
    });
    const place = resolveModelInferPlace(pod, "default", view);
    assert.ok(place.ok);
    assert.deepEqual([place.value.groupIndex, place.value.roleIndex, place.value.podIndex], [1, 0, 0]);
  });

  const refusals: Array<[string, Pod, number, RegExp]> = [
    [
      "unknown ModelInfer",
      optedInPod("nope-0-decode-0-0", "nope", "decode"),
      403,
      /ModelInfer default\/nope not found; create it first/,
    ],
    [
      "unknown role",
      optedInPod("sample-0-router-0-0", "sample", "router"),
      403,
      /has no role router; use one of: prefill, decode/,
    ],
    [
      "worker index too high",
      optedInPod("sample-0-decode-0-4", "sample", "decode"),
      403,
      /pod index 4 exceeds workerReplicas 3 of role decode/,
    ],
    [
      "role index too high",
      optedInPod("sample-0-prefill-2-0", "sample", "prefill"),
      403,
      /role index 2 is not below replicas 2/,
    ],
    [
      "name of another shape",
      optedInPod("my-pod", "sample", "decode"),
      422,
      /name my-pod is not of the form sample-<g>-decode-<r>-<p>/,
    ],
  ];
  for (const [what, pod, code, message] of refusals) {
    it(`refuses ${what}, naming the pod and the fix`, () => {
      const place = resolveModelInferPlace(pod, "default", view);
      assert.ok(!place.ok);
      assert.equal(place.code, code);
      assert.match(place.message, new RegExp(`^pod default/${pod.metadata!.name!}: `));
      assert.match(place.message, message);
    });
  }

  it("accepts a group index at or above spec.replicas (scale-down can leave groups {0, 2})", () => {
    assert.ok(resolveModelInferPlace(optedInPod("sample-2-decode-0-0", "sample", "decode"), "default", view).ok);
  });

  it("refuses a pod without the role label", () => {
    const pod = optedInPod("sample-0-decode-0-0", "sample", "decode");
    delete pod.metadata!.labels!["modelinfer.matrixinfer.ai/role"];
    const place = resolveModelInferPlace(pod, "default", view);
    assert.ok(!place.ok);
    assert.match(place.message, /label modelinfer.matrixinfer.ai\/role is missing/);
  });
});
