import { strict as assert } from "node:assert";
import type { StatefulSet } from "kubernetes-types/apps/v1.js";
import type { EnvVar, Pod } from "kubernetes-types/core/v1.js";
import { enhanceStatefulSet } from "../../webhooks/enhancers/statefulset.js";
import { enhanceStatefulSetPod } from "../../webhooks/enhancers/statefulset-pod.js";
import { processMutation } from "../../webhooks/mutate-processor.js";
import { processValidation } from "../../webhooks/validate-processor.js";
import { applyPatch } from "../../webhooks/patch.js";
import type { AdmissionContext } from "../../webhooks/context.js";
import type { Operation } from "fast-json-patch";
import { assertValidKubernetes } from "../support/schema.js";
import { staticContext, staticView } from "../support/static-view.js";
import { assertDenied } from "../support/denials.js";

const DOWNWARD_INDEX = {
  name: "WORKER_INDEX",
  valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } },
};

function roleStatefulSet(replicas: unknown = 3, serviceName = "qwen-hl", start?: unknown): StatefulSet {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: {
      name: "qwen",
      namespace: "ml",
      uid: "u1",
      labels: { "inference.ai/managed": "true", "modelinfer.matrixinfer.ai/role": "serve" },
    },
    spec: {
      replicas: replicas as number,
      serviceName,
      ...(start === undefined ? {} : { ordinals: { start: start as number } }),
      selector: { matchLabels: { app: "qwen" } },
      template: {
        metadata: { labels: { app: "qwen" } },
        spec: { containers: [{ name: "engine", image: "vllm/vllm-openai:v0.11.0" }] },
      },
    },
  };
}

function stsPod(name: string, podIndexLabel?: string, env: EnvVar[] = [DOWNWARD_INDEX]): Pod {
  const labels: Record<string, string> = {
    app: "qwen",
    "inference.ai/managed": "true",
    "modelinfer.matrixinfer.ai/role": "serve",
  };
  if (podIndexLabel !== undefined) labels["apps.kubernetes.io/pod-index"] = podIndexLabel;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "ml",
      labels,
      ownerReferences: [{ apiVersion: "apps/v1", kind: "StatefulSet", name: "qwen", uid: "u1", controller: true }],
    },
    spec: { containers: [{ name: "engine", image: "x", env }] },
  };
}

function context(...objects: StatefulSet[]): AdmissionContext {
  return { ...staticContext([]), view: staticView(objects) };
}

function groupEnv(pod: Pod, ...sts: StatefulSet[]): Record<string, string | undefined> {
  const result = enhanceStatefulSetPod(pod, "ml", staticView(sts));
  assert.ok(result.ok, result.ok ? "" : JSON.stringify(result.errors));
  return Object.fromEntries((result.value.spec!.containers[0]!.env ?? []).map((e) => [e.name, e.value]));
}

function request(object: unknown, kind = "StatefulSet"): Parameters<typeof processMutation>[0] {
  const group = kind === "StatefulSet" ? "apps" : "";
  return { uid: "u", kind: { group, version: "v1", kind }, operation: "CREATE", namespace: "ml", object };
}

describe("StatefulSet opt-in", () => {
  it("gives the template GROUP_SIZE, ENTRY_ADDRESS and a downward-API WORKER_INDEX, and opts its pods in", () => {
    const result = enhanceStatefulSet(roleStatefulSet(), "ml");
    assert.ok(result.ok);
    const template = result.value.spec!.template;
    assert.deepEqual(template.spec!.containers[0]!.env, [
      { name: "GROUP_SIZE", value: "3" },
      { name: "ENTRY_ADDRESS", value: "qwen-0.qwen-hl.ml" },
      DOWNWARD_INDEX,
    ]);
    assert.equal(template.metadata!.labels!["inference.ai/managed"], "true");
    assert.equal(template.metadata!.labels!["modelinfer.matrixinfer.ai/role"], "serve");
    assertValidKubernetes(result.value);
  });

  it("names the entry from spec.ordinals.start, and leaves WORKER_INDEX to the pod webhook", () => {
    // Kubernetes API reference, StatefulSetSpec.ordinals.start: replicas are named start … start+replicas−1.
    const result = enhanceStatefulSet({ ...roleStatefulSet(2, "llm-tp", 1), metadata: { name: "llm-tp" } }, "default");
    assert.ok(result.ok);
    assert.deepEqual(result.value.spec!.template.spec!.containers[0]!.env, [
      { name: "GROUP_SIZE", value: "2" },
      { name: "ENTRY_ADDRESS", value: "llm-tp-1.llm-tp.default" },
    ]);
    const restarted = structuredClone(result.value);
    restarted.spec!.ordinals = { start: 0 };
    const back = enhanceStatefulSet(restarted, "default");
    assert.ok(back.ok);
    assert.deepEqual(back.value.spec!.template.spec!.containers[0]!.env!.at(-1), DOWNWARD_INDEX);
    const moved = structuredClone(back.value);
    moved.spec!.ordinals = { start: 5 };
    const again = enhanceStatefulSet(moved, "default");
    assert.ok(again.ok);
    assert.equal(
      again.value.spec!.template.spec!.containers[0]!.env!.find((e) => e.name === "WORKER_INDEX"),
      undefined,
      "the downward-API index would be the ordinal, not ordinal − start",
    );
  });

  it("is idempotent through the webhook", () => {
    const first = processMutation(request(roleStatefulSet()), staticContext([]));
    const patched = applyPatch(
      roleStatefulSet(),
      JSON.parse(Buffer.from(first.response.patch!, "base64").toString()) as Operation[],
    );
    assert.equal(processMutation(request(patched), staticContext([])).response.patch, undefined);
  });

  it("changes GROUP_SIZE when replicas change on UPDATE", () => {
    const scaled = enhanceStatefulSet(roleStatefulSet(5), "ml");
    assert.ok(scaled.ok);
    assert.equal(scaled.value.spec!.template.spec!.containers[0]!.env![0]!.value, "5");
  });

  const invalid: Array<[string, StatefulSet, string]> = [
    ["no serviceName", roleStatefulSet(2, ""), "spec.serviceName"],
    ["a serviceName that is no Service name (DNS-1035 label)", roleStatefulSet(2, "qwen.hl"), "spec.serviceName"],
    ['replicas "abc"', roleStatefulSet("abc"), "spec.replicas"],
    ["replicas 1e308", roleStatefulSet(1e308), "spec.replicas"],
    ["replicas 2.5", roleStatefulSet(2.5), "spec.replicas"],
    ["a negative ordinals.start", roleStatefulSet(2, "qwen-hl", -1), "spec.ordinals.start"],
  ];
  for (const [what, sts, path] of invalid) {
    it(`refuses a role StatefulSet with ${what} (422 at ${path}) in both webhooks; GROUP_SIZE never copies it`, () => {
      assertDenied(enhanceStatefulSet(sts, "ml"), 422, path);
      for (const process of [processMutation, processValidation]) {
        const { response } = process(request(sts), staticContext([]));
        assert.equal(response.status?.code, 422);
        assert.equal(response.patch, undefined);
      }
    });
  }

  describe("pods, from the live StatefulSet", () => {
    it("set the literal ordinal as WORKER_INDEX, from the pod-index label or the name", () => {
      assert.equal(groupEnv(stsPod("qwen-2", "2"), roleStatefulSet()).WORKER_INDEX, "2");
      assert.equal(groupEnv(stsPod("qwen-7"), roleStatefulSet(8)).WORKER_INDEX, "7");
    });

    it("count WORKER_INDEX from spec.ordinals.start and name the entry after it", () => {
      const sts = roleStatefulSet(2, "llm-tp", 1);
      assert.deepEqual(groupEnv(stsPod("qwen-1", "1"), sts), {
        WORKER_INDEX: "0",
        GROUP_SIZE: "2",
        ENTRY_ADDRESS: "qwen-1.llm-tp.ml",
      });
      assert.equal(groupEnv(stsPod("qwen-2", "2"), sts).WORKER_INDEX, "1");
      assertDenied(enhanceStatefulSetPod(stsPod("qwen-0", "0"), "ml", staticView([sts])), 403, "metadata.name");
    });

    it("get GROUP_SIZE and ENTRY_ADDRESS whatever the template holds: never enhanced, or before kubectl scale", () => {
      assert.deepEqual(groupEnv(stsPod("qwen-0", "0", []), roleStatefulSet(3)), {
        GROUP_SIZE: "3",
        ENTRY_ADDRESS: "qwen-0.qwen-hl.ml",
        WORKER_INDEX: "0",
      });
      const stale = stsPod("qwen-4", "4", [{ name: "GROUP_SIZE", value: "3" }, DOWNWARD_INDEX]);
      assert.equal(groupEnv(stale, roleStatefulSet(5)).GROUP_SIZE, "5");
    });

    it("wait (503) while the StatefulSet is not in the view, and are refused (403) when it cannot make a group", () => {
      const pod = stsPod("qwen-0", "0");
      assertDenied(enhanceStatefulSetPod(pod, "ml", staticView([])), 503, "metadata.ownerReferences[0]");
      const other = { ...roleStatefulSet(), metadata: { ...roleStatefulSet().metadata, uid: "u2" } };
      assertDenied(enhanceStatefulSetPod(pod, "ml", staticView([other])), 503, "metadata.ownerReferences[0]");
      assertDenied(
        enhanceStatefulSetPod(pod, "ml", staticView([roleStatefulSet(2, "")])),
        403,
        "metadata.ownerReferences[0]",
      );
    });

    it("refuse a pod whose ordinal cannot be known", () => {
      assertDenied(
        enhanceStatefulSetPod(stsPod("other-name"), "ml", staticView([roleStatefulSet()])),
        422,
        "metadata.name",
      );
      assertDenied(
        enhanceStatefulSetPod(stsPod("qwen-1", "01"), "ml", staticView([roleStatefulSet()])),
        422,
        "metadata.name",
      );
    });

    it("through the webhook: the patch applies, the pod stays valid, and it waits for the view to sync", () => {
      const pod = stsPod("qwen-1", "1", []);
      const { response } = processMutation(request(pod, "Pod"), context(roleStatefulSet(2, "qwen-hl", 1)));
      const patched = applyPatch(pod, JSON.parse(Buffer.from(response.patch!, "base64").toString()) as Operation[]);
      assert.deepEqual(patched.spec!.containers[0]!.env, [
        { name: "GROUP_SIZE", value: "2" },
        { name: "ENTRY_ADDRESS", value: "qwen-1.qwen-hl.ml" },
        { name: "WORKER_INDEX", value: "0" },
      ]);
      assertValidKubernetes(patched);
      assert.equal(processMutation(request(pod, "Pod"), staticContext([], false)).response.status?.code, 503);
    });
  });
});
