import type { OpenApiSchema } from "../../src/apis/crds.js";
import { formatFieldError } from "../../webhooks/field-errors.js";
import { schemaErrors, unknownFields } from "../../webhooks/validators/crd-schema.js";

/** Structural schema rules the apiserver enforces on a CRD: every node typed, unless it keeps unknown fields or is int-or-string. */
export function structuralProblems(schema: OpenApiSchema, path = ""): string[] {
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

/** What the apiserver with strict field validation refuses in `value`: schema errors and unknown fields, as text. */
export function schemaProblems(schema: OpenApiSchema, value: unknown): string[] {
  return [...schemaErrors(schema, value), ...unknownFields(schema, value)].map(formatFieldError);
}
