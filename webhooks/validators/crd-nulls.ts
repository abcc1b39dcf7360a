import { cloneJson } from "../../src/kube/clone.js";
import type { OpenApiSchema } from "../../src/apis/crds.js";
import type { FieldError } from "../field-errors.js";

/*
 * What kube-apiserver does with `null` in a custom resource before it validates it
 * (k8s.io/apiextensions-apiserver pkg/apiserver/schema/defaulting/prunenulls.go,
 * PruneNonNullableNullsWithoutDefaults, then algorithm.go Default): a null *field* (an object
 * property or a map entry) whose schema is not `nullable` is dropped, or replaced by the field's
 * `default`; a null *list item* is kept, and then refused by validation as a value of the wrong
 * type (schemaErrors). Pure functions over plain objects; the input is never changed.
 */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The schema of one key of an object: its property, else the map's value schema. */
function fieldSchema(schema: OpenApiSchema | undefined, key: string): OpenApiSchema | undefined {
  const property = schema?.properties?.[key];
  if (property) return property;
  return typeof schema?.additionalProperties === "object" ? schema.additionalProperties : undefined;
}

function fieldPath(path: string, schema: OpenApiSchema | undefined, key: string): string {
  if (schema?.properties?.[key]) return path ? `${path}.${key}` : key;
  return `${path}[${key}]`;
}

interface Pruned {
  value: unknown;
  /** Where a null was dropped or defaulted, as field errors a dry run can show as warnings. */
  dropped: FieldError[];
}

function pruneObject(schema: OpenApiSchema | undefined, value: Json, path: string, dropped: FieldError[]): Json {
  const out: Json = {};
  for (const [key, item] of Object.entries(value)) {
    const sub = fieldSchema(schema, key);
    const at = fieldPath(path, schema, key);
    if (item === null && sub && !sub.nullable) {
      const defaulted = sub.default !== undefined;
      if (defaulted) out[key] = cloneJson(sub.default);
      dropped.push({
        path: at,
        detail: defaulted
          ? `null is replaced by the default ${JSON.stringify(sub.default)}: the field is not nullable`
          : "null is dropped: the field is not nullable",
        fix: "remove it, or write a value",
      });
    } else out[key] = prune(sub, item, at, dropped);
  }
  return out;
}

function prune(schema: OpenApiSchema | undefined, value: unknown, path: string, dropped: FieldError[]): unknown {
  if (Array.isArray(value)) return value.map((item, i) => prune(schema?.items, item, `${path}[${i}]`, dropped));
  return isObject(value) ? pruneObject(schema, value, path, dropped) : value;
}

/**
 * `value` as the apiserver admits and stores it: every null field whose schema is not nullable
 * dropped (or set to its default), list items kept as written. `dropped` names each such field.
 */
export function pruneNulls(schema: OpenApiSchema, value: unknown): Pruned {
  const dropped: FieldError[] = [];
  return { value: prune(schema, value, "", dropped), dropped };
}
