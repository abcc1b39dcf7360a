import { strict as assert } from "node:assert";
import fc from "fast-check";
import type { ModelInfer } from "../../src/apis/matrixinfer.js";
import { desiredState } from "../../src/controllers/modelinfer/desired.js";
import { formatFieldError } from "../../webhooks/field-errors.js";
import { modelInferFindings } from "../../webhooks/validators/modelinfer.js";
import { podTemplateFindings } from "../../webhooks/validators/pod-template.js";
import { modelInfer, role } from "../support/objects.js";
import { assertValidKubernetes } from "../support/schema.js";

type Json = Record<string, unknown>;

/** A ModelInfer whose one role's entry template is `template` (written as a user could: anything). */
function withEntry(template: unknown): ModelInfer {
  const mi = modelInfer("m", [role("serve", 1, 0)], { replicas: 1 });
  (mi.spec.template.roles[0] as unknown as Json).entryTemplate = template;
  return mi;
}

function errorsOf(template: unknown): string[] {
  return modelInferFindings(withEntry(template)).problems.map(formatFieldError);
}

const E = "spec.template.roles[0].entryTemplate";
const engine = { name: "engine", image: "vllm/vllm-openai:v0.11.0" };

describe("ModelInfer pod templates, checked as the apiserver will check their pods", () => {
  it("by Kubernetes' own schema: env values, images, commands and args must be strings", () => {
    const found = errorsOf({
      spec: {
        containers: [
          { ...engine, env: [{ name: "N", value: 8 }] },
          { name: "sidecar", image: 5, command: ["sh", 1], args: [true] },
        ],
      },
    });
    assert.deepEqual(found.sort(), [
      `${E}.spec.containers[0].env[0].value: 8 is not string; write string`,
      `${E}.spec.containers[1].args[0]: true is not string; write string`,
      `${E}.spec.containers[1].command[1]: 1 is not string; write string`,
      `${E}.spec.containers[1].image: 5 is not string; write string`,
    ]);
  });

  it("by the apiserver's own rules: container names, unique names, label and annotation syntax", () => {
    const found = errorsOf({
      metadata: { labels: { app: "bad value!", "bad key!": "v" }, annotations: { "no spaces allowed": "x" } },
      spec: { containers: [engine, { ...engine, name: "engine" }, { ...engine, name: "Side_Car" }] },
    });
    assert.deepEqual(
      found.map((e) => e.slice(0, e.indexOf(":"))),
      [
        `${E}.metadata.labels[app]`,
        `${E}.metadata.labels`,
        `${E}.metadata.annotations`,
        `${E}.spec.containers[1].name`,
        `${E}.spec.containers[2].name`,
      ],
    );
    assert.match(found[3] ?? "", /Duplicate value: "engine"/);
    assert.match(found[4] ?? "", /"Side_Car" is not a DNS-1123 label/);
  });

  it("ports: names and numbers refused as the apiserver does; a containerPort twice is its warning", () => {
    const { problems, warnings } = modelInferFindings(
      withEntry({
        spec: {
          containers: [
            {
              ...engine,
              ports: [
                { containerPort: 8000, name: "http" },
                { containerPort: 8001, name: "http" },
              ],
            },
            { ...engine, name: "proxy", ports: [{ containerPort: 8000 }, { containerPort: 70000, name: "Not-OK" }] },
          ],
        },
      }),
    );
    assert.deepEqual(
      problems.map((p) => p.path),
      [
        `${E}.spec.containers[0].ports[1].name`,
        `${E}.spec.containers[1].ports[1].name`,
        `${E}.spec.containers[1].ports[1].containerPort`,
      ],
    );
    assert.deepEqual(warnings, [
      `${E}.spec.containers[1].ports[0]: duplicate port definition with ${E}.spec.containers[0].ports[0]`,
    ]);
  });

  it("resources: quantities, not negative, requests within limits", () => {
    const found = errorsOf({
      spec: {
        containers: [
          { ...engine, resources: { requests: { memory: "lots", cpu: "-1" }, limits: { "nvidia.com/gpu": "1.5" } } },
          { ...engine, name: "b", resources: { requests: { memory: "2Gi" }, limits: { memory: "1Gi" } } },
        ],
      },
    });
    assert.deepEqual(found, [
      `${E}.spec.containers[0].resources.requests[memory]: "lots" is not a Kubernetes quantity; write it like 16Gi, 500m or 2`,
    ]);
    const past = podTemplateFindings(
      {
        spec: {
          containers: [
            { ...engine, resources: { requests: { cpu: "-1" }, limits: { "nvidia.com/gpu": "1.5" } } },
            { ...engine, name: "b", resources: { requests: { memory: "2Gi" }, limits: { memory: "1Gi" } } },
          ],
        },
      },
      "t",
    ).problems.map((p) => p.path);
    assert.deepEqual(past, [
      "t.spec.containers[0].resources.requests[cpu]",
      "t.spec.containers[0].resources.limits[nvidia.com/gpu]",
      "t.spec.containers[1].resources.requests[memory]",
    ]);
  });

  it("a worker template too, at its own path", () => {
    const mi = structuredClone(modelInfer("m", [role("serve", 1, 2)], { replicas: 1 }));
    mi.spec.template.roles[0]!.workerTemplate = structuredClone(mi.spec.template.roles[0]!.entryTemplate);
    mi.spec.template.roles[0]!.workerTemplate.spec!.containers[0]!.name = "Worker";
    assert.deepEqual(
      modelInferFindings(mi).problems.map((p) => p.path),
      ["spec.template.roles[0].workerTemplate.spec.containers[0].name"],
    );
  });

  it("property: a template that passes renders pods the official schema accepts", () => {
    const names = fc.stringMatching(/^[a-z]([-a-z0-9]{0,10}[a-z0-9])?$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(names, { minLength: 1, maxLength: 3 }),
        fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), fc.stringMatching(/^[A-Za-z0-9]{0,8}$/)),
        (containerNames, labels) => {
          const mi = withEntry({
            metadata: { labels },
            spec: { containers: containerNames.map((name) => ({ name, image: "busybox:1.36" })) },
          });
          assert.deepEqual(modelInferFindings(mi).problems, []);
          for (const pod of desiredState(mi).flatMap((g) => g.pods)) assertValidKubernetes(pod);
        },
      ),
      { numRuns: 30 },
    );
  });
});
