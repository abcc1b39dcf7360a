import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parseAllDocuments } from "yaml";
import { crdSchema, type OpenApiSchema } from "../../src/apis/crds.js";
import { nearest } from "../../src/kube/nearest.js";
import { formatFieldError } from "../../webhooks/field-errors.js";
import { schemaErrors, unknownFields } from "../../webhooks/validators/crd-schema.js";
import { EXAMPLES, FIXTURES } from "../support/fixtures.js";
import { modelInfer, role } from "../support/objects.js";

type Json = Record<string, unknown>;

function modelInferSchema(): OpenApiSchema {
  return crdSchema("workload.matrixinfer.ai/v1alpha1", "ModelInfer")!;
}

/** Every object of our own kinds in examples/ and the seed examples. */
function ownObjects(): Json[] {
  const files = [
    ...readdirSync(EXAMPLES, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => join(EXAMPLES, f)),
    join(FIXTURES, "seed-examples.yaml"),
  ];
  return files
    .flatMap((file) => parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS() as Json))
    .filter((o) => crdSchema(String(o.apiVersion), String(o.kind)));
}

/** Paths (as key lists) of every key the schema knows strictly: a typo there is an unknown field. */
function strictKeys(schema: OpenApiSchema, value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value) && schema.items) {
    const items = schema.items;
    return value.flatMap((item, i) => strictKeys(items, item, [...at, i]));
  }
  if (typeof value !== "object" || value === null || !schema.properties) return [];
  const strict = !schema["x-kubernetes-preserve-unknown-fields"] && !schema.additionalProperties;
  return Object.entries(value as Json).flatMap(([key, item]) => {
    const property = schema.properties![key];
    if (!property) return [];
    return [...(strict ? [[...at, key]] : []), ...strictKeys(property, item, [...at, key])];
  });
}

function fieldPath(keys: (string | number)[]): string {
  return keys.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
}

describe("CRD schema checks (strict field validation, as the apiserver does)", () => {
  it("find nothing wrong in any example or seed object of our kinds", () => {
    const objects = ownObjects();
    assert.ok(objects.length >= 12, `${objects.length} objects`);
    for (const obj of objects) {
      const schema = crdSchema(String(obj.apiVersion), String(obj.kind))!;
      assert.deepEqual([...schemaErrors(schema, obj), ...unknownFields(schema, obj)], [], String(obj.kind));
    }
  });

  it("name a misspelt field and the known field nearest to it", () => {
    const mi = modelInfer("llama", [role("serve", 1, 2)]) as unknown as {
      spec: Json & { template: { roles: Json[] } };
    };
    const r = mi.spec.template.roles[0]!;
    r.replica = r.replicas;
    r.workerReplica = r.workerReplicas;
    delete r.replicas;
    delete r.workerReplicas;
    mi.spec.Replicas = 3;
    mi.spec.colour = "green";
    assert.deepEqual(unknownFields(modelInferSchema(), mi).map(formatFieldError), [
      "spec.template.roles[0].replica: unknown field; did you mean replicas?",
      "spec.template.roles[0].workerReplica: unknown field; did you mean workerReplicas?",
      "spec.Replicas: unknown field; did you mean replicas?",
      "spec.colour: unknown field; remove it; known here: replicas, schedulerName, recoveryPolicy, rolloutStrategy, template",
    ]);
  });

  it("do not look into what keeps unknown fields (pod templates), nor into maps", () => {
    const mi = modelInfer("llama", [role("serve", 1, 0)]);
    mi.spec.template.gangSchedule = { minRoleReplicas: { serve: 1 } };
    (mi.spec.template.roles[0]!.entryTemplate.spec as unknown as Json).hostNetworkz = true;
    assert.deepEqual(unknownFields(modelInferSchema(), mi), []);
  });

  it("report a wrong type once, without looking inside it, and missing required fields with what to add", () => {
    const errors = schemaErrors(modelInferSchema(), {
      apiVersion: "workload.matrixinfer.ai/v1alpha1",
      kind: "ModelInfer",
      metadata: { name: "x" },
      spec: {
        replicas: "2",
        template: {
          roles: [{ replicas: 1.5, entryTemplate: { spec: {} } }],
          gangSchedule: { minRoleReplicas: { a: -1 } },
        },
      },
    }).map(formatFieldError);
    assert.deepEqual(errors, [
      'spec.replicas: "2" is a string, not an integer; write an integer',
      "spec.template.roles[0].name: required; add name: a string",
      "spec.template.roles[0].replicas: 1.5 is a number, not an integer; write an integer",
      "spec.template.roles[0].entryTemplate.spec.containers: required; add containers: a list",
      "spec.template.gangSchedule.minRoleReplicas[a]: -1 is below the minimum; use 0 or more",
    ]);
    assert.deepEqual(schemaErrors(modelInferSchema(), { metadata: {} }).map(formatFieldError), [
      "spec: required; add spec: an object",
    ]);
  });

  it("property: dropping the last letter of any known field of a valid object is reported there, with the field", () => {
    const base = ownObjects().filter((o) => o.kind === "ModelInfer")[0]!;
    const schema = modelInferSchema();
    const keys = strictKeys(schema, base).filter((k) => String(k.at(-1)).length > 3);
    assert.ok(keys.length >= 6, JSON.stringify(keys));
    fc.assert(
      fc.property(fc.constantFrom(...keys), (path) => {
        const obj = structuredClone(base);
        let parent: Json = obj;
        for (const key of path.slice(0, -1)) parent = (parent as unknown as Record<string | number, Json>)[key]!;
        const key = String(path.at(-1));
        const typo = key.slice(0, -1);
        fc.pre(!(typo in parent));
        parent[typo] = parent[key];
        Reflect.deleteProperty(parent, key);
        const found = unknownFields(schema, obj);
        assert.deepEqual(found, [
          { path: fieldPath([...path.slice(0, -1), typo]), detail: "unknown field", fix: `did you mean ${key}?` },
        ]);
      }),
    );
  });

  it("suggest only a near name", () => {
    assert.equal(nearest("replica", ["replicas", "workerReplicas"]), "replicas");
    assert.equal(nearest("WorkerReplica", ["replicas", "workerReplicas"]), "workerReplicas");
    assert.equal(nearest("prot", ["port", "metrics-port"]), "port");
    assert.equal(nearest("colour", ["replicas", "template"]), undefined);
    assert.equal(nearest("x", []), undefined);
  });
});
