import { strict as assert } from "node:assert";
import type { Container, Pod } from "kubernetes-types/core/v1.js";
import { enhanceModelInferPod } from "../../webhooks/enhancers/modelinfer.js";
import { resolveModelInferPlace } from "../../webhooks/enhancers/modelinfer-place.js";
import { templateRevision } from "../../src/modelinfer/revision.js";
import { modelInfer, optedInPod, role } from "../support/objects.js";
import { assertDenied } from "../support/denials.js";
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
  assert.ok(place.ok, place.ok ? "" : JSON.stringify(place.errors));
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

  // 403: the cluster has no such ModelInfer, role or index; 422: the pod's own name or labels have the wrong form.
  const refusals: Array<[string, Pod, number, string]> = [
    [
      "unknown ModelInfer",
      optedInPod("nope-0-decode-0-0", "nope", "decode"),
      403,
      "metadata.labels[modelinfer.matrixinfer.ai/name]",
    ],
    [
      "unknown role",
      optedInPod("sample-0-router-0-0", "sample", "router"),
      403,
      "metadata.labels[modelinfer.matrixinfer.ai/role]",
    ],
    ["worker index too high", optedInPod("sample-0-decode-0-4", "sample", "decode"), 403, "metadata.name"],
    ["role index too high", optedInPod("sample-0-prefill-2-0", "sample", "prefill"), 403, "metadata.name"],
    ["name of another shape", optedInPod("my-pod", "sample", "decode"), 422, "metadata.name"],
  ];
  for (const [what, pod, code, path] of refusals) {
    it(`refuses ${what} (${code}) at ${path}`, () => {
      assertDenied(resolveModelInferPlace(pod, "default", view), code, path);
    });
  }

  it("refuses an index no int32 holds instead of writing 1e+23 into a label", () => {
    // llama-405b-99999999999999999999999-serve-0-2: Number() would read the group index as 1e+23 and
    // the group-name label would become llama-405b-1e+23 (not a label value: '+').
    const mi = modelInfer("llama-405b", [role("serve", 1, 2)]);
    const pod = optedInPod("llama-405b-99999999999999999999999-serve-0-2", "llama-405b", "serve");
    assertDenied(resolveModelInferPlace(pod, "default", staticView([mi])), 422, "metadata.name");
    assert.ok(
      resolveModelInferPlace(optedInPod("llama-405b-7-serve-0-2", "llama-405b", "serve"), "default", staticView([mi]))
        .ok,
    );
  });

  it("refuses the entry pod of an existing ModelInfer whose name makes an invalid hostname, at spec.hostname", () => {
    // A ModelInfer created while the validating webhook was off: its entry pod's hostname would be
    // qwen2.5-72b-0-decode-0-0, which the apiserver refuses (a DNS-1123 label has no '.').
    const view = staticView([modelInfer("qwen2.5-72b", [role("decode", 1, 1)])]);
    const entry = resolveModelInferPlace(
      optedInPod("qwen2.5-72b-0-decode-0-0", "qwen2.5-72b", "decode"),
      "default",
      view,
    );
    assertDenied(entry, 422, "spec.hostname");
    assert.ok(
      !entry.ok && entry.errors[0]!.fix.startsWith("remove '.' from the name of ModelInfer default/qwen2.5-72b"),
    );
    const worker = resolveModelInferPlace(
      optedInPod("qwen2.5-72b-0-decode-0-1", "qwen2.5-72b", "decode"),
      "default",
      view,
    );
    assert.ok(worker.ok, "a worker has no hostname; its label values may hold a dot");
  });

  it("accepts a group index at or above spec.replicas (scale-down can leave groups {0, 2})", () => {
    assert.ok(resolveModelInferPlace(optedInPod("sample-2-decode-0-0", "sample", "decode"), "default", view).ok);
  });

  it("refuses a pod without the role label", () => {
    const pod = optedInPod("sample-0-decode-0-0", "sample", "decode");
    delete pod.metadata!.labels!["modelinfer.matrixinfer.ai/role"];
    assertDenied(resolveModelInferPlace(pod, "default", view), 422, "metadata.labels[modelinfer.matrixinfer.ai/role]");
  });
});
