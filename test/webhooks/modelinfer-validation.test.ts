import { strict as assert } from "node:assert";
import { modelInferProblems } from "../../webhooks/validators/modelinfer.js";
import { modelInferDesired } from "../../src/controllers/modelinfer/reconciler.js";
import { StaticView } from "../support/static-view.js";
import { processValidation } from "../../webhooks/validate-processor.js";
import type { ModelInfer, Role } from "../../src/apis/matrixinfer.js";
import { modelInfer, role } from "../support/objects.js";
import { staticContext } from "../support/static-view.js";
import { pathsOf } from "../support/denials.js";

function valid(): ModelInfer {
  return modelInfer("sample", [role("prefill", 2, 0), role("decode", 1, 3)], { replicas: 2 });
}

function edit(change: (mi: ModelInfer) => void): ModelInfer {
  const mi = valid();
  change(mi);
  return mi;
}

describe("ModelInfer validation", () => {
  it("refuses a group wider than a cluster's nodes and more pods than a cluster runs; the controller holds it", () => {
    const paths = (mi: ModelInfer): string[] => modelInferProblems(mi).map((e) => e.path);
    assert.deepEqual(paths(modelInfer("big", [role("serve", 1, 4999)])), []);
    assert.deepEqual(paths(modelInfer("big", [role("serve", 1, 2147483647)])), [
      "spec.template.roles[0].workerReplicas",
    ]);
    assert.deepEqual(paths(modelInfer("big", [role("serve", 2, 4999)], { replicas: 16 })), ["spec.replicas"]);
    const huge = modelInfer("big", [role("serve", 1, 2147483647)]);
    const state = modelInferDesired(huge, new StaticView([]), new Date());
    assert.equal(state.children.length, 0, "no pods built");
    assert.ok(state.hold?.includes("workerReplicas"), state.hold);
  });

  it("accepts a valid ModelInfer and the examples", () => {
    assert.deepEqual(modelInferProblems(valid()), []);
  });

  const table: Array<[string, ModelInfer, string]> = [
    [
      "no roles",
      edit((mi) => {
        mi.spec.template.roles = [];
      }),
      "spec.template.roles",
    ],
    [
      "five roles",
      edit((mi) => {
        mi.spec.template.roles = ["a", "b", "c", "d", "e"].map((n) => role(n, 1, 0));
      }),
      "spec.template.roles",
    ],
    [
      "a duplicate role",
      edit((mi) => {
        mi.spec.template.roles.push(role("decode", 1, 0));
      }),
      "spec.template.roles[2].name",
    ],
    [
      "a role name that is too long",
      edit((mi) => {
        mi.spec.template.roles[0]!.name = "prefillprefill";
      }),
      "spec.template.roles[0].name",
    ],
    [
      "negative replicas",
      edit((mi) => {
        mi.spec.replicas = -1;
      }),
      "spec.replicas",
    ],
    [
      "negative workerReplicas",
      edit((mi) => {
        mi.spec.template.roles[1]!.workerReplicas = -2;
      }),
      "spec.template.roles[1].workerReplicas",
    ],
    [
      "workers without a workerTemplate",
      edit((mi) => {
        delete mi.spec.template.roles[1]!.workerTemplate;
      }),
      "spec.template.roles[1].workerTemplate",
    ],
    [
      "a pod name over 63 characters",
      edit((mi) => {
        mi.metadata.name = "llama-3-1-405b-instruct-fp8-dynamic-multinode-serv";
      }),
      "spec.template.roles[0]",
    ],
    [
      "an image with spaces",
      edit((mi) => {
        mi.spec.template.roles[0]!.entryTemplate.spec!.containers[0]!.image = "vllm openai";
      }),
      "spec.template.roles[0].entryTemplate",
    ],
    [
      "a container without image",
      edit((mi) => {
        mi.spec.template.roles[1]!.workerTemplate = { spec: { containers: [{ name: "w" }] } };
      }),
      "spec.template.roles[1].workerTemplate",
    ],
    [
      "minRoleReplicas for an unknown role",
      edit((mi) => {
        mi.spec.template.gangSchedule = { minRoleReplicas: { router: 1 } };
      }),
      "spec.template.gangSchedule.minRoleReplicas.router",
    ],
    [
      "minRoleReplicas above the role's replicas",
      edit((mi) => {
        mi.spec.template.gangSchedule = { minRoleReplicas: { prefill: 3 } };
      }),
      "spec.template.gangSchedule.minRoleReplicas.prefill",
    ],
    [
      "partition not below replicas",
      edit((mi) => {
        mi.spec.rolloutStrategy = { rollingUpdateConfiguration: { partition: 2 } };
      }),
      "spec.rolloutStrategy.rollingUpdateConfiguration.partition",
    ],
    [
      "a negative maxUnavailable",
      edit((mi) => {
        mi.spec.rolloutStrategy = { rollingUpdateConfiguration: { maxUnavailable: -1 } };
      }),
      "spec.rolloutStrategy.rollingUpdateConfiguration.maxUnavailable",
    ],
    [
      "a maxSurge over 100%",
      edit((mi) => {
        mi.spec.rolloutStrategy = { rollingUpdateConfiguration: { maxSurge: "150%" } };
      }),
      "spec.rolloutStrategy.rollingUpdateConfiguration.maxSurge",
    ],
    [
      "maxUnavailable and maxSurge both 0",
      edit((mi) => {
        mi.spec.rolloutStrategy = { rollingUpdateConfiguration: { maxUnavailable: "0%", maxSurge: 0 } };
      }),
      "spec.rolloutStrategy.rollingUpdateConfiguration",
    ],
    [
      "highestTierAllowed with highestTierName",
      edit((mi) => {
        mi.spec.template.gangSchedule = {
          networkTopology: { mode: "hard", highestTierAllowed: 2, highestTierName: "volcano.sh/hypernode" },
        };
      }),
      "spec.template.gangSchedule.networkTopology",
    ],
  ];
  for (const [what, mi, path] of table) {
    it(`rejects ${what} at ${path}`, () => {
      assert.deepEqual(pathsOf(modelInferProblems(mi)), [path]);
    });
  }

  it("refuses qwen2.5-72b at metadata.name: the dot breaks the entry pod's hostname, a DNS-1123 label", () => {
    // Kubernetes API reference, Pod v1: spec.hostname and spec.subdomain are DNS-1123 labels;
    // k8s.io/apimachinery validation.IsDNS1123Label. A pod name (DNS-1123 subdomain) may hold the dot.
    const problems = modelInferProblems(
      edit((mi) => {
        mi.metadata.name = "qwen2.5-72b";
      }),
    );
    assert.deepEqual(pathsOf(problems), ["metadata.name"]);
    const [error] = problems;
    assert.ok(
      error!.detail.startsWith('makes spec.hostname "qwen2.5-72b-1-prefill-1-0", which is not a DNS-1123 label'),
    );
    assert.ok(error!.fix.startsWith("remove '.' from metadata.name: a DNS-1123 label allows only"), error!.fix);
  });

  it("refuses a name starting with a digit: each role instance's headless Service (a DNS-1035 label) is made from it", () => {
    // A pod name or hostname may start with a digit (DNS-1123); a Service name may not (DNS-1035).
    const problems = modelInferProblems(modelInfer("7b-chat", [role("decode", 1, 0)], { replicas: 1 }));
    assert.deepEqual(pathsOf(problems), ["metadata.name"]);
    assert.ok(problems[0]!.detail.startsWith('makes Service metadata.name "7b-chat-0-decode-0-0"'));
    assert.deepEqual(pathsOf(modelInferProblems(modelInfer("chat-7b", [role("decode", 1, 0)], { replicas: 1 }))), []);
  });

  it("refuses a name longer than a label value at metadata.name, though a ModelInfer name may be 253 long", () => {
    // It is the value of the label modelinfer.matrixinfer.ai/name: at most 63 characters (IsValidLabelValue).
    const long = modelInferProblems(modelInfer("m".repeat(64), [role("decode", 1, 0)], { replicas: 1 }));
    assert.deepEqual(pathsOf(long), ["metadata.name"]);
    assert.ok(long[0]!.fix.startsWith("shorten metadata.name: a label value has at most 63 characters"), long[0]!.fix);
  });

  it("accepts percentages and a partition below replicas", () => {
    assert.deepEqual(
      modelInferProblems(
        edit((mi) => {
          mi.spec.rolloutStrategy = {
            rollingUpdateConfiguration: { maxUnavailable: "25%", maxSurge: "0%", partition: 1 },
          };
        }),
      ),
      [],
    );
  });

  it("refuses changing gangSchedule.minRoleReplicas once set, but not setting it the first time", () => {
    const old = edit((mi) => {
      mi.spec.template.gangSchedule = { minRoleReplicas: { prefill: 1 } };
    });
    const changed = edit((mi) => {
      mi.spec.template.gangSchedule = { minRoleReplicas: { prefill: 2 } };
    });
    assert.deepEqual(pathsOf(modelInferProblems(changed, old)), ["spec.template.gangSchedule.minRoleReplicas"]);
    assert.deepEqual(modelInferProblems(changed, valid()), []);
    assert.deepEqual(modelInferProblems(structuredClone(old), old), []);
  });

  function throughWebhook(object: unknown): { allowed: boolean; code?: number; message?: string } {
    const { response } = processValidation(
      {
        uid: "u",
        kind: { group: "workload.matrixinfer.ai", version: "v1alpha1", kind: "ModelInfer" },
        operation: "CREATE",
        namespace: "default",
        object,
      },
      staticContext([]),
    );
    return { allowed: response.allowed, code: response.status?.code, message: response.status?.message };
  }

  it("answers through the validating webhook with every problem, the object and 422", () => {
    const mi = edit((m) => {
      m.spec.template.roles[1]!.name = "prefill";
      delete m.spec.template.roles[1]!.workerTemplate;
    });
    assert.deepEqual(throughWebhook(mi), {
      allowed: false,
      code: 422,
      message:
        'ModelInfer default/sample is invalid: spec.template.roles[1].name: "prefill" is used by another role; give each role its own name; and spec.template.roles[1].workerTemplate: required because workerReplicas is 3; add a workerTemplate or set workerReplicas to 0',
    });
  });

  it("checks the CRD schema first, as the apiserver would: field errors, never a TypeError", () => {
    const nameless = edit((m) => {
      delete (m.spec.template.roles[0] as Partial<Role>).name;
      m.spec.replicas = -1;
    });
    assert.deepEqual(throughWebhook(nameless), {
      allowed: false,
      code: 422,
      message:
        "ModelInfer default/sample is invalid: spec.replicas: -1 is below the minimum; use 0 or more; and spec.template.roles[0].name: required; add name: a string",
    });
    const mistyped = edit((m) => {
      (m.spec.template.roles[1] as unknown as { workerReplicas: string }).workerReplicas = "3";
      (m.spec as { recoveryPolicy?: string }).recoveryPolicy = "Restart";
    });
    assert.equal(
      throughWebhook(mistyped).message,
      'ModelInfer default/sample is invalid: spec.template.roles[1].workerReplicas: "3" is a string, not an integer; write an integer; and spec.recoveryPolicy: "Restart" is not supported; use one of: InferGroupRecreate, RoleRecreate, None',
    );
    assert.equal(
      throughWebhook({ ...valid(), spec: { template: { roles: "decode" } } }).message,
      'ModelInfer default/sample is invalid: spec.template.roles: "decode" is a string, not a list; write a list',
    );
  });

  it("rejects an object without roles instead of crashing", () => {
    assert.deepEqual(
      modelInferProblems({
        apiVersion: "workload.matrixinfer.ai/v1alpha1",
        kind: "ModelInfer",
        metadata: { name: "x" },
        spec: {},
      } as unknown as ModelInfer),
      [{ path: "spec.template.roles", detail: "required", fix: "a ModelInfer has 1 to 4 roles" }],
    );
  });
});
