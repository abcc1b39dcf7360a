import { strict as assert } from "node:assert";
import { modelInferProblems } from "../../webhooks/validators/modelinfer.js";
import { processValidation } from "../../webhooks/validate-processor.js";
import type { ModelInfer, Role } from "../../src/apis/matrixinfer.js";
import { modelInfer, role } from "../support/objects.js";
import { staticContext } from "../support/static-view.js";

function valid(): ModelInfer {
  return modelInfer("sample", [role("prefill", 2, 0), role("decode", 1, 3)], { replicas: 2 });
}

function edit(change: (mi: ModelInfer) => void): ModelInfer {
  const mi = valid();
  change(mi);
  return mi;
}

describe("ModelInfer validation", () => {
  it("accepts a valid ModelInfer and the examples", () => {
    assert.deepEqual(modelInferProblems(valid()), []);
  });

  const table: Array<[string, ModelInfer, string]> = [
    [
      "no roles",
      edit((mi) => {
        mi.spec.template.roles = [];
      }),
      "spec.template.roles: has 0 roles; a ModelInfer has 1 to 4 roles",
    ],
    [
      "five roles",
      edit((mi) => {
        mi.spec.template.roles = ["a", "b", "c", "d", "e"].map((n) => role(n, 1, 0));
      }),
      "spec.template.roles: has 5 roles; a ModelInfer has 1 to 4 roles",
    ],
    [
      "a duplicate role",
      edit((mi) => {
        mi.spec.template.roles.push(role("decode", 1, 0));
      }),
      'spec.template.roles[2].name: "decode" is used by another role; give each role its own name',
    ],
    [
      "a role name that is too long",
      edit((mi) => {
        mi.spec.template.roles[0]!.name = "prefillprefill";
      }),
      "spec.template.roles[0].name: \"prefillprefill\" must be a DNS-1035 label of at most 12 characters (lower-case letters, digits, '-', starting with a letter)",
    ],
    [
      "negative replicas",
      edit((mi) => {
        mi.spec.replicas = -1;
      }),
      "spec.replicas: -1 is negative; use 0 or more",
    ],
    [
      "negative workerReplicas",
      edit((mi) => {
        mi.spec.template.roles[1]!.workerReplicas = -2;
      }),
      "spec.template.roles[1].workerReplicas: -2 is negative; use 0 or more",
    ],
    [
      "workers without a workerTemplate",
      edit((mi) => {
        delete mi.spec.template.roles[1]!.workerTemplate;
      }),
      "spec.template.roles[1].workerTemplate: required because workerReplicas is 3; add a workerTemplate or set workerReplicas to 0",
    ],
    [
      "a pod name over 63 characters",
      edit((mi) => {
        mi.metadata.name = "llama-3-1-405b-instruct-fp8-dynamic-multinode-serv";
      }),
      "spec.template.roles[0]: pod name llama-3-1-405b-instruct-fp8-dynamic-multinode-serv-1-prefill-1-0 (the longest this ModelInfer makes) is 64 characters, over 63; shorten metadata.name or the role name",
    ],
    [
      "an image with spaces",
      edit((mi) => {
        mi.spec.template.roles[0]!.entryTemplate.spec!.containers[0]!.image = "vllm openai";
      }),
      'spec.template.roles[0].entryTemplate: container engine has image "vllm openai" with spaces; set a valid image reference',
    ],
    [
      "a container without image",
      edit((mi) => {
        mi.spec.template.roles[1]!.workerTemplate = { spec: { containers: [{ name: "w" }] } };
      }),
      "spec.template.roles[1].workerTemplate: container w has no image; set a valid image reference",
    ],
    [
      "minRoleReplicas for an unknown role",
      edit((mi) => {
        mi.spec.template.gangSchedule = { minRoleReplicas: { router: 1 } };
      }),
      "spec.template.gangSchedule.minRoleReplicas.router: no role is named router; use one of: prefill, decode",
    ],
    [
      "minRoleReplicas above the role's replicas",
      edit((mi) => {
        mi.spec.template.gangSchedule = { minRoleReplicas: { prefill: 3 } };
      }),
      "spec.template.gangSchedule.minRoleReplicas.prefill: 3 is more than the role's replicas 2; lower it or scale the role",
    ],
    [
      "partition not below replicas",
      edit((mi) => {
        mi.spec.rolloutStrategy = { rollingUpdateConfiguration: { partition: 2 } };
      }),
      "spec.rolloutStrategy.rollingUpdateConfiguration.partition: 2 is not below replicas 2; no group would ever update",
    ],
    [
      "a negative maxUnavailable",
      edit((mi) => {
        mi.spec.rolloutStrategy = { rollingUpdateConfiguration: { maxUnavailable: -1 } };
      }),
      "spec.rolloutStrategy.rollingUpdateConfiguration.maxUnavailable: -1 must be a non-negative integer or a percentage from 0% to 100%",
    ],
    [
      "a maxSurge over 100%",
      edit((mi) => {
        mi.spec.rolloutStrategy = { rollingUpdateConfiguration: { maxSurge: "150%" } };
      }),
      'spec.rolloutStrategy.rollingUpdateConfiguration.maxSurge: "150%" must be a non-negative integer or a percentage from 0% to 100%',
    ],
    [
      "maxUnavailable and maxSurge both 0",
      edit((mi) => {
        mi.spec.rolloutStrategy = { rollingUpdateConfiguration: { maxUnavailable: "0%", maxSurge: 0 } };
      }),
      "spec.rolloutStrategy.rollingUpdateConfiguration: maxUnavailable and maxSurge are both 0, so a rollout could never progress; raise one of them",
    ],
  ];
  for (const [what, mi, message] of table) {
    it(`rejects ${what}`, () => {
      assert.deepEqual(modelInferProblems(mi), [message]);
    });
  }

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
    assert.deepEqual(modelInferProblems(changed, old), [
      "spec.template.gangSchedule.minRoleReplicas: may not change once set; create a new ModelInfer to change the gang's minimum",
    ]);
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
      ["spec.template.roles: required; a ModelInfer has 1 to 4 roles"],
    );
  });
});
