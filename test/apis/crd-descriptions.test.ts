import assert from "node:assert/strict";
import { join } from "node:path";
import { readCrds, type OpenApiSchema } from "../../src/apis/crds.js";
import { REPO_ROOT } from "../support/fixtures.js";

/** A schema node with the keys this test reads: TypeScript doc comments and `kubectl explain` come from `description`. */
interface Documented extends OpenApiSchema {
  description?: string;
  default?: unknown;
  properties?: Record<string, Documented>;
  items?: Documented;
  additionalProperties?: Documented | boolean;
}

interface SchemaNode {
  path: string;
  schema: Documented;
  /** The root, every property, and items or map values that are objects; scalar items are described by their parent. */
  mustDescribe: boolean;
}

const isObject = (schema: Documented): boolean => schema.type === "object" || schema.properties !== undefined;

/** Every node of a schema with its path (`.spec.tiers[].name`, `{}` for a map's values), depth first. */
function nodes(schema: Documented, path = "", mustDescribe = true): SchemaNode[] {
  const found: SchemaNode[] = [{ path: path || "(root)", schema, mustDescribe }];
  for (const [name, child] of Object.entries(schema.properties ?? {})) found.push(...nodes(child, `${path}.${name}`));
  if (schema.items) found.push(...nodes(schema.items, `${path}[]`, isObject(schema.items)));
  const values = schema.additionalProperties;
  if (typeof values === "object") found.push(...nodes(values, `${path}{}`, isObject(values)));
  return found;
}

/** Paths that must carry a non-empty description and do not. */
function undocumented(schema: Documented): string[] {
  return nodes(schema)
    .filter((n) => n.mustDescribe && (n.schema.description ?? "").trim() === "")
    .map((n) => n.path);
}

function versionSchemas(): { where: string; schema: Documented }[] {
  return readCrds(join(REPO_ROOT, "crds")).flatMap((crd) =>
    crd.spec.versions.map((v) => ({ where: `${crd.metadata.name} ${v.name}`, schema: v.schema.openAPIV3Schema })),
  );
}

describe("CRD descriptions (the doc comments of the generated API types)", () => {
  it("every CRD in crds/ describes its root, every property at every depth, and object items and map values", () => {
    const schemas = versionSchemas();
    assert.ok(schemas.length >= 8, `only ${schemas.length} CRD versions found`);
    const missing = schemas.flatMap(({ where, schema }) => undocumented(schema).map((p) => `${where} ${p}`));
    assert.deepEqual(missing, [], "add a description at each of these paths");
  });

  it("finds a missing or blank description at any depth, in array items and in map values", () => {
    const schema: Documented = {
      description: "root",
      type: "object",
      properties: {
        spec: {
          type: "object",
          properties: {
            tiers: {
              description: "tiers",
              type: "array",
              items: { type: "object", properties: { name: { type: "string", description: "  " } } },
            },
            prefixes: { description: "scalar items need none", type: "array", items: { type: "string" } },
            byName: { description: "map", type: "object", additionalProperties: { type: "object" } },
            limits: { description: "scalar map", type: "object", additionalProperties: { type: "string" } },
          },
        },
      },
    };
    assert.deepEqual(undocumented(schema), [".spec", ".spec.tiers[]", ".spec.tiers[].name", ".spec.byName{}"]);
    assert.deepEqual(undocumented({ type: "object" }), ["(root)"]);
  });

  it("a field with a schema default names that default in its description", () => {
    const unnamed = versionSchemas().flatMap(({ where, schema }) =>
      nodes(schema)
        .filter((n) => n.schema.default !== undefined)
        .filter((n) => !(n.schema.description ?? "").includes(String(n.schema.default)))
        .map((n) => `${where} ${n.path}: default ${String(n.schema.default)}`),
    );
    assert.deepEqual(unnamed, [], "say the default in these descriptions");
  });
});
