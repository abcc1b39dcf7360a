import type { OpenApiSchema } from "../../src/apis/crds.js";
import { nearest } from "../../src/kube/nearest.js";
import type { FieldError } from "../field-errors.js";

/*
 * An object checked against its CRD's structural schema, as kube-apiserver checks a custom resource
 * (k8s.io/apiextensions-apiserver validation): types first — a value of the wrong type is not looked
 * into —, then required fields, enums and bounds. A null field of a non-nullable schema is dropped
 * by the apiserver before it validates (crd-nulls.ts: run pruneNulls first); a null that is left
 * (a list item, a nullable field is fine) is a value of the wrong type here, as it is there. Integers
 * are checked against their format's range (int32, else int64), as kube-openapi's
 * IsValueValidAgainstRange does. Pure functions over plain objects.
 */

type Json = Record<string, unknown>;

function child(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const TYPE_NAMES = {
  object: "an object",
  array: "a list",
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "a boolean",
} as const;

const HAS_TYPE: Record<keyof typeof TYPE_NAMES, (v: unknown) => boolean> = {
  object: isObject,
  array: Array.isArray,
  string: (v) => typeof v === "string",
  integer: Number.isInteger,
  number: (v) => typeof v === "number",
  boolean: (v) => typeof v === "boolean",
};

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return TYPE_NAMES.array;
  if (Number.isInteger(value)) return TYPE_NAMES.integer;
  if (isObject(value)) return TYPE_NAMES.object;
  const type = typeof value;
  return type === "string" || type === "number" || type === "boolean" ? TYPE_NAMES[type] : type;
}

/** YAML's words for the numbers JSON cannot carry. */
function yamlNumber(value: number): string {
  return Number.isNaN(value) ? ".nan" : value > 0 ? ".inf" : "-.inf";
}

function show(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return yamlNumber(value);
  return JSON.stringify(value);
}

/** `"2" is a string`, `null`, `a list`: what the value is, for "…, not an integer". */
function described(value: unknown): string {
  if (value === null) return "null";
  return isObject(value) || Array.isArray(value) ? typeOf(value) : `${show(value)} is ${typeOf(value)}`;
}

/** YAML's .nan and .inf: not numbers an apiserver can receive (JSON has none). */
function nonFiniteError(value: unknown, path: string): FieldError | undefined {
  if (typeof value !== "number" || Number.isFinite(value)) return undefined;
  return {
    path,
    detail: `${yamlNumber(value)} is ${Number.isNaN(value) ? "not a number" : "not a finite number"}`,
    fix: "write a number",
  };
}

/** A schema that says what its value is: a type, or int-or-string (not a bare preserve-unknown-fields). */
function hasType(schema: OpenApiSchema): boolean {
  return schema.type !== undefined || schema["x-kubernetes-int-or-string"] === true;
}

function typeError(schema: OpenApiSchema, value: unknown, path: string): FieldError | undefined {
  const nonFinite = nonFiniteError(value, path);
  if (nonFinite) return nonFinite;
  if (schema["x-kubernetes-int-or-string"]) {
    if (Number.isInteger(value) || typeof value === "string") return undefined;
    return { path, detail: `${described(value)}, not an integer or a string`, fix: "write an integer or a string" };
  }
  if (!schema.type || HAS_TYPE[schema.type](value)) return undefined;
  return {
    path,
    detail: `${described(value)}, not ${TYPE_NAMES[schema.type]}`,
    fix: `write ${TYPE_NAMES[schema.type]}`,
  };
}

const patterns = new Map<string, RegExp>();

function matches(pattern: string, value: string): boolean {
  let regex = patterns.get(pattern);
  if (!regex) patterns.set(pattern, (regex = new RegExp(pattern, "u")));
  return regex.test(value);
}

/** The integer formats' ranges; without `format: int32`, kube-openapi reads an integer as int64. */
const INT32 = {
  name: "int32",
  min: -(2 ** 31),
  max: 2 ** 31 - 1,
  shownMin: String(-(2 ** 31)),
  shownMax: String(2 ** 31 - 1),
};
// 2^63 - 1 is 2^63 as a double, so the largest int64 is written, and compared as "below 2^63".
const INT64 = { name: "int64", min: -(2 ** 63), max: 2 ** 63 - 1, shownMin: "-2^63", shownMax: "2^63-1" };

/** An integer outside its format's range, as kube-openapi's IsValueValidAgainstRange refuses it. */
function rangeError(schema: OpenApiSchema, value: number, path: string): FieldError | undefined {
  if (schema.type !== "integer" && !schema["x-kubernetes-int-or-string"]) return undefined;
  const range = schema.format === "int32" ? INT32 : INT64;
  const tooLarge = range === INT64 ? value >= 2 ** 63 : value > range.max;
  if (value >= range.min && !tooLarge) return undefined;
  const limit = tooLarge
    ? `at most ${schema.maximum ?? range.shownMax}`
    : `at least ${schema.minimum ?? range.shownMin}`;
  return { path, detail: `${value} does not fit an ${range.name}`, fix: `use ${limit}` };
}

function numberErrors(schema: OpenApiSchema, value: number, path: string): FieldError[] {
  const range = rangeError(schema, value, path);
  if (range) return [range];
  const errors: FieldError[] = [];
  if (schema.minimum !== undefined && value < schema.minimum)
    errors.push({ path, detail: `${value} is below the minimum`, fix: `use ${schema.minimum} or more` });
  if (schema.maximum !== undefined && value > schema.maximum)
    errors.push({ path, detail: `${value} is above the maximum`, fix: `use ${schema.maximum} or less` });
  return errors;
}

function stringErrors(schema: OpenApiSchema, value: string, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const shown = JSON.stringify(value);
  if (schema.maxLength !== undefined && value.length > schema.maxLength)
    errors.push({ path, detail: `${shown} has ${value.length} characters`, fix: `use at most ${schema.maxLength}` });
  if (schema.pattern !== undefined && !matches(schema.pattern, value))
    errors.push({ path, detail: `${shown} does not match ${schema.pattern}`, fix: "write a value that matches it" });
  return errors;
}

function scalarErrors(schema: OpenApiSchema, value: unknown, path: string): FieldError[] {
  const errors: FieldError[] =
    schema.enum && !schema.enum.includes(value)
      ? [{ path, detail: `${show(value)} is not supported`, fix: `use one of: ${schema.enum.join(", ")}` }]
      : [];
  if (typeof value === "number") errors.push(...numberErrors(schema, value, path));
  if (typeof value === "string") errors.push(...stringErrors(schema, value, path));
  return errors;
}

function arrayErrors(schema: OpenApiSchema, value: unknown[], path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (schema.minItems !== undefined && value.length < schema.minItems)
    errors.push({ path, detail: `has ${value.length} items`, fix: `give it at least ${schema.minItems}` });
  if (schema.maxItems !== undefined && value.length > schema.maxItems)
    errors.push({ path, detail: `has ${value.length} items`, fix: `give it at most ${schema.maxItems}` });
  const items = schema.items;
  if (items) value.forEach((item, i) => errors.push(...schemaErrors(items, item, `${path}[${i}]`)));
  return errors;
}

function describeField(schema: OpenApiSchema): string {
  if (schema["x-kubernetes-int-or-string"]) return "an integer or a string";
  const type = schema.type ? TYPE_NAMES[schema.type] : "a value";
  return schema.enum ? `one of: ${schema.enum.join(", ")}` : type;
}

function objectErrors(schema: OpenApiSchema, value: Json, path: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of schema.required ?? []) {
    if (value[key] === undefined || value[key] === null) {
      const field = schema.properties?.[key] ?? {};
      errors.push({ path: child(path, key), detail: "required", fix: `add ${key}: ${describeField(field)}` });
    }
  }
  for (const [key, item] of Object.entries(value)) {
    const property = schema.properties?.[key];
    if (property) errors.push(...schemaErrors(property, item, child(path, key)));
    else if (typeof schema.additionalProperties === "object")
      errors.push(...schemaErrors(schema.additionalProperties, item, `${path}[${key}]`));
  }
  return errors;
}

/**
 * Every field error of `value` against `schema` (types, null where not nullable, required, enum,
 * integer format ranges, minimum/maximum, minItems/maxItems, maxLength, pattern), with paths as `kubectl explain` names fields
 * (`spec.template.roles[0].name`, map entries as `minRoleReplicas[decode]`). Unknown fields are
 * not errors here: see {@link unknownFields}. `path` prefixes every path (empty: from the root).
 */
export function schemaErrors(schema: OpenApiSchema, value: unknown, path = ""): FieldError[] {
  if (value === undefined || (value === null && (schema.nullable || !hasType(schema)))) return [];
  const typed = typeError(schema, value, path);
  if (typed) return [typed];
  if (Array.isArray(value)) return arrayErrors(schema, value, path);
  if (isObject(value)) return objectErrors(schema, value, path);
  return scalarErrors(schema, value, path);
}

function unknownInObject(schema: OpenApiSchema, value: Json, path: string): FieldError[] {
  const known = Object.keys(schema.properties ?? {});
  // Without properties (metadata; maps) nothing is unknown here: ObjectMeta is checked by the apiserver itself.
  const strict = known.length > 0 && !schema["x-kubernetes-preserve-unknown-fields"] && !schema.additionalProperties;
  const errors: FieldError[] = [];
  for (const [key, item] of Object.entries(value)) {
    const property = schema.properties?.[key];
    if (property) errors.push(...unknownFields(property, item, child(path, key)));
    else if (typeof schema.additionalProperties === "object")
      errors.push(...unknownFields(schema.additionalProperties, item, `${path}[${key}]`));
    else if (strict) {
      const suggestion = nearest(key, known);
      errors.push({
        path: child(path, key),
        detail: "unknown field",
        fix: suggestion ? `did you mean ${suggestion}?` : `remove it; known here: ${known.join(", ")}`,
      });
    }
  }
  return errors;
}

/**
 * The fields of `value` that `schema` does not define, as kube-apiserver's strict field validation
 * (`fieldValidation=Strict`, kubectl's default) names them, each with the nearest known field as
 * its fix. Subtrees that keep unknown fields (`x-kubernetes-preserve-unknown-fields`, e.g. pod
 * templates) are not looked into.
 */
export function unknownFields(schema: OpenApiSchema, value: unknown, path = ""): FieldError[] {
  if (Array.isArray(value)) {
    const items = schema.items;
    return items ? value.flatMap((item, i) => unknownFields(items, item, `${path}[${i}]`)) : [];
  }
  return isObject(value) ? unknownInObject(schema, value, path) : [];
}
