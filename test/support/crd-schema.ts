import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "./fixtures.js";

/** The subset of OpenAPI v3 a structural CRD schema uses. */
export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minProperties?: number;
  maxProperties?: number;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  anyOf?: Schema[];
}

interface Crd {
  spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
}

export function loadCrd(file: string): Crd {
  return parse(readFileSync(join(REPO_ROOT, "crds", file), "utf8")) as Crd;
}

/** A CRD published by another project, copied into test/fixtures (path relative to it). */
export function loadFixtureCrd(path: string): Crd {
  return parse(readFileSync(join(REPO_ROOT, "test", "fixtures", path), "utf8")) as Crd;
}

/** Length, pattern and size bounds of strings, lists and maps (OpenAPI v3 as the apiserver checks them). */
function boundProblems(schema: Schema, value: unknown, path: string): string[] {
  const problems: string[] = [];
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      problems.push(`${path}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      problems.push(`${path}: longer than ${schema.maxLength}`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value))
      problems.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  }
  if (Array.isArray(value) && schema.maxItems !== undefined && value.length > schema.maxItems)
    problems.push(`${path}: more than ${schema.maxItems} items`);
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const n = Object.keys(value).length;
    if (schema.minProperties !== undefined && n < schema.minProperties)
      problems.push(`${path}: fewer than ${schema.minProperties} keys`);
    if (schema.maxProperties !== undefined && n > schema.maxProperties)
      problems.push(`${path}: more than ${schema.maxProperties} keys`);
  }
  return problems;
}

/** Structural schema rules the apiserver enforces on a CRD: every node typed, unless it keeps unknown fields or is int-or-string. */
export function structuralProblems(schema: Schema, path = ""): string[] {
  const problems: string[] = [];
  const untyped =
    schema.type === undefined &&
    !schema["x-kubernetes-preserve-unknown-fields"] &&
    !schema["x-kubernetes-int-or-string"];
  if (untyped) problems.push(`${path || "(root)"}: no type`);
  for (const [name, child] of Object.entries(schema.properties ?? {}))
    problems.push(...structuralProblems(child, `${path}.${name}`));
  if (schema.items) problems.push(...structuralProblems(schema.items, `${path}[]`));
  if (typeof schema.additionalProperties === "object")
    problems.push(...structuralProblems(schema.additionalProperties, `${path}{}`));
  return problems;
}

function typeProblem(schema: Schema, value: unknown, path: string): string | undefined {
  if (schema["x-kubernetes-int-or-string"])
    return Number.isInteger(value) || typeof value === "string" ? undefined : `${path}: must be an integer or a string`;
  const ok: Record<string, (v: unknown) => boolean> = {
    object: (v) => typeof v === "object" && v !== null && !Array.isArray(v),
    array: Array.isArray,
    string: (v) => typeof v === "string",
    integer: Number.isInteger,
    number: (v) => typeof v === "number",
    boolean: (v) => typeof v === "boolean",
  };
  return schema.type && !ok[schema.type]?.(value)
    ? `${path}: must be ${schema.type}, got ${JSON.stringify(value)}`
    : undefined;
}

/** Validates a value as the apiserver would with strict field validation (unknown fields are errors). */
export function schemaProblems(schema: Schema, value: unknown, path = ""): string[] {
  const typed = typeProblem(schema, value, path);
  if (typed) return [typed];
  const problems: string[] = boundProblems(schema, value, path);
  if (schema.enum && !schema.enum.includes(value))
    problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === "number" && schema.minimum !== undefined && value < schema.minimum)
    problems.push(`${path}: below ${schema.minimum}`);
  if (typeof value === "number" && schema.maximum !== undefined && value > schema.maximum)
    problems.push(`${path}: above ${schema.maximum}`);
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      problems.push(`${path}: fewer than ${schema.minItems} items`);
    value.forEach((item, i) => {
      if (schema.items) problems.push(...schemaProblems(schema.items, item, `${path}[${i}]`));
    });
  }
  if (schema.type === "object" && typeof value === "object" && value !== null && !Array.isArray(value))
    problems.push(...objectProblems(schema, value as Record<string, unknown>, path));
  return problems;
}

function objectProblems(schema: Schema, value: Record<string, unknown>, path: string): string[] {
  const problems = (schema.required ?? [])
    .filter((key) => value[key] === undefined)
    .map((key) => `${path}.${key}: required`);
  for (const [key, child] of Object.entries(value)) {
    const property = schema.properties?.[key];
    if (property) problems.push(...schemaProblems(property, child, `${path}.${key}`));
    else if (typeof schema.additionalProperties === "object")
      problems.push(...schemaProblems(schema.additionalProperties, child, `${path}.${key}`));
    else if (!schema["x-kubernetes-preserve-unknown-fields"] && schema.properties)
      problems.push(`${path}.${key}: unknown field`);
  }
  return problems;
}
