import { strict as assert } from "node:assert";
import type { StatefulSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { enhanceStatefulSet, enhanceStatefulSetPod } from "../../webhooks/enhancers/statefulset.js";
import { processMutation } from "../../webhooks/mutate-processor.js";
import { processValidation } from "../../webhooks/validate-processor.js";
import { applyPatch } from "../../webhooks/patch.js";
import type { Operation } from "fast-json-patch";
import { assertValidKubernetes } from "../support/schema.js";
import { staticContext } from "../support/static-view.js";
import { assertDenied } from "../support/denials.js";

function roleStatefulSet(replicas = 3, serviceName = "qwen-hl"): StatefulSet {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: {
      name: "qwen",
      namespace: "ml",
      labels: { "inference.ai/managed": "true", "modelinfer.matrixinfer.ai/role": "serve" },
    },
    spec: {
      replicas,
      serviceName,
      selector: { matchLabels: { app: "qwen" } },
      template: {
        metadata: { labels: { app: "qwen" } },
        spec: { containers: [{ name: "engine", image: "vllm/vllm-openai:v0.11.0" }] },
      },
    },
  };
}

function stsPod(name: string, podIndexLabel?: string): Pod {
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
    spec: {
      containers: [
        {
          name: "engine",
          image: "x",
          env: [
            {
              name: "WORKER_INDEX",
              valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } },
            },
          ],
        },
      ],
    },
  };
}

describe("StatefulSet opt-in", () => {
  it("gives the template GROUP_SIZE, ENTRY_ADDRESS and a downward-API WORKER_INDEX, and opts its pods in", () => {
    const result = enhanceStatefulSet(roleStatefulSet(), "ml");
    assert.ok(result.ok);
    const template = result.value.spec!.template;
    assert.deepEqual(template.spec!.containers[0]!.env, [
      { name: "GROUP_SIZE", value: "3" },
      { name: "ENTRY_ADDRESS", value: "qwen-0.qwen-hl.ml" },
      {
        name: "WORKER_INDEX",
        valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } },
      },
    ]);
    assert.equal(template.metadata!.labels!["inference.ai/managed"], "true");
    assert.equal(template.metadata!.labels!["modelinfer.matrixinfer.ai/role"], "serve");
    assertValidKubernetes(result.value);
  });

  it("is idempotent through the webhook", () => {
    const request = {
      uid: "u",
      kind: { group: "apps", version: "v1", kind: "StatefulSet" },
      operation: "CREATE" as const,
      namespace: "ml",
      object: roleStatefulSet(),
    };
    const first = processMutation(request, staticContext([]));
    const patched = applyPatch(
      request.object,
      JSON.parse(Buffer.from(first.response.patch!, "base64").toString()) as Operation[],
    );
    assert.equal(processMutation({ ...request, object: patched }, staticContext([])).response.patch, undefined);
  });

  it("changes GROUP_SIZE when replicas change on UPDATE", () => {
    const scaled = enhanceStatefulSet(roleStatefulSet(5), "ml");
    assert.ok(scaled.ok);
    assert.equal(scaled.value.spec!.template.spec!.containers[0]!.env![0]!.value, "5");
  });

  it("refuses a role StatefulSet without serviceName, in both webhooks", () => {
    const sts = roleStatefulSet(2, "");
    assertDenied(enhanceStatefulSet(sts, "ml"), 422, "spec.serviceName");
    const request = {
      uid: "u",
      kind: { group: "apps", version: "v1", kind: "StatefulSet" },
      operation: "CREATE" as const,
      namespace: "ml",
      object: sts,
    };
    assert.equal(processValidation(request, staticContext([])).response.allowed, false);
  });

  it("sets the literal ordinal on pods, from the pod-index label or the name", () => {
    for (const [pod, expected] of [
      [stsPod("qwen-2", "2"), "2"],
      [stsPod("qwen-7"), "7"],
    ] as const) {
      const result = enhanceStatefulSetPod(pod);
      assert.ok(result.ok);
      assert.deepEqual(result.value.spec!.containers[0]!.env, [{ name: "WORKER_INDEX", value: expected }]);
    }
  });

  it("refuses a pod whose ordinal cannot be known", () => {
    assertDenied(enhanceStatefulSetPod(stsPod("other-name")), 422, "metadata.name");
  });
});
