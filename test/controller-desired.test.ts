import { strict as assert } from "node:assert";
import type { Container } from "kubernetes-types/core/v1.js";
import { desiredGroup, desiredState } from "../src/controllers/modelinfer/desired.js";
import type { ModelInfer } from "../src/apis/matrixinfer.js";
import { processMutation } from "../webhooks/mutate-processor.js";
import { role } from "./support/objects.js";
import { assertValidKubernetes } from "./support/schema.js";
import { staticContext } from "./support/static-view.js";

function sample(gang = true): ModelInfer {
  const prefill = role("prefill", 2, 0);
  const decode = role("decode", 1, 2);
  prefill.entryTemplate.spec!.containers[0]!.resources = { requests: { cpu: "4", "nvidia.com/gpu": "2" } };
  decode.entryTemplate.spec!.containers[0]!.resources = { limits: { "nvidia.com/gpu": "4", memory: "64Gi" } };
  decode.workerTemplate = {
    metadata: { labels: { tier: "worker" } },
    spec: {
      containers: [
        { name: "worker", image: "vllm/vllm-openai:v0.11.0", resources: { limits: { "nvidia.com/gpu": "4" } } },
      ],
    },
  };
  return {
    apiVersion: "workload.matrixinfer.ai/v1alpha1",
    kind: "ModelInfer",
    metadata: { name: "sample", namespace: "ml", uid: "mi-uid" },
    spec: {
      replicas: 2,
      schedulerName: "volcano",
      template: {
        roles: [prefill, decode],
        ...(gang
          ? {
              gangSchedule: {
                minRoleReplicas: { prefill: 1 },
                networkTopology: { mode: "hard", highestTierAllowed: 1 },
              },
            }
          : {}),
      },
    },
  };
}

function env(c: Container): Record<string, string | undefined> {
  return Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
}

describe("controller: desired objects of a ModelInfer", () => {
  it("makes the pods of every role instance, named and enhanced like the webhook, owned by the ModelInfer", () => {
    const group = desiredGroup(sample(), 1);
    assert.deepEqual(
      group.pods.map((p) => p.metadata!.name),
      [
        "sample-1-prefill-0-0",
        "sample-1-prefill-1-0",
        "sample-1-decode-0-0",
        "sample-1-decode-0-1",
        "sample-1-decode-0-2",
      ],
    );
    const worker = group.pods[4]!;
    assert.deepEqual(env(worker.spec!.containers[0]!), {
      GROUP_SIZE: "3",
      ENTRY_ADDRESS: "sample-1-decode-0-0.sample-1-decode-0-0.ml",
      WORKER_INDEX: "2",
    });
    assert.equal(worker.metadata!.labels!.tier, "worker", "template labels kept");
    assert.equal(worker.spec!.schedulerName, "volcano");
    assert.deepEqual(worker.metadata!.ownerReferences, [
      {
        apiVersion: "workload.matrixinfer.ai/v1alpha1",
        kind: "ModelInfer",
        name: "sample",
        uid: "mi-uid",
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    assert.equal(group.pods[2]!.spec!.hostname, "sample-1-decode-0-0");
    for (const pod of group.pods) assertValidKubernetes(pod);
  });

  it("makes pods the mutating webhook leaves unchanged (one source of truth)", () => {
    const mi = sample();
    const ctx = staticContext([mi]);
    for (const pod of desiredGroup(mi, 0).pods) {
      const { response } = processMutation(
        {
          uid: "u",
          kind: { group: "", version: "v1", kind: "Pod" },
          operation: "CREATE",
          namespace: "ml",
          object: pod,
        },
        ctx,
      );
      assert.equal(response.patch, undefined, pod.metadata!.name);
    }
  });

  it("makes one headless Service per role instance (DESIGN §4), selecting its entry pod only", () => {
    const { services, pods } = desiredGroup(sample(), 0);
    assert.deepEqual(
      services.map((s) => s.metadata!.name),
      ["sample-0-prefill-0-0", "sample-0-prefill-1-0", "sample-0-decode-0-0"],
    );
    for (const entry of pods.filter((p) => p.metadata!.labels!["modelinfer.matrixinfer.ai/entry"] === "true"))
      assert.ok(
        services.some((s) => s.metadata!.name === entry.spec!.subdomain),
        `${entry.metadata!.name}: its subdomain names a Service, so ENTRY_ADDRESS resolves`,
      );
    const svc = services[2]!;
    assertValidKubernetes(svc);
    assert.equal(svc.metadata!.name, "sample-0-decode-0-0");
    assert.equal(svc.spec!.clusterIP, "None");
    assert.equal(svc.spec!.publishNotReadyAddresses, true);
    assert.equal(svc.spec!.selector!["modelinfer.matrixinfer.ai/entry"], "true");
    assert.equal(svc.spec!.selector!["modelinfer.matrixinfer.ai/role-id"], "decode-0");
  });

  it("makes the Volcano PodGroup of DESIGN §4: minRoleReplicas bounds the counted role instances", () => {
    const { podGroup } = desiredGroup(sample(), 0);
    assert.ok(podGroup);
    assert.equal(podGroup.metadata.name, "sample-0");
    assert.deepEqual(podGroup.spec.minTaskMember, { "prefill-0": 1, "decode-0": 3 });
    assert.equal(podGroup.spec.minMember, 4);
    assert.deepEqual(podGroup.spec.minResources, { cpu: "4", "nvidia.com/gpu": "14", memory: String(64 * 2 ** 30) });
    assert.deepEqual(podGroup.spec.networkTopology, { mode: "hard", highestTierAllowed: 1 });
  });

  it("copies networkTopology.highestTierName into the PodGroup, for the extender to hold the gang to that tier", () => {
    const mi = sample();
    mi.spec.template.gangSchedule!.networkTopology = { mode: "hard", highestTierName: "volcano.sh/hypernode" };
    assert.deepEqual(desiredGroup(mi, 0).podGroup?.spec.networkTopology, {
      mode: "hard",
      highestTierName: "volcano.sh/hypernode",
    });
  });

  it("makes no PodGroup without gangSchedule, and replicas groups in all", () => {
    assert.equal(desiredGroup(sample(false), 0).podGroup, undefined);
    assert.deepEqual(
      desiredState(sample()).map((g) => g.index),
      [0, 1],
    );
  });
});
