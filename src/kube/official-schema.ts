import { PodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";

/**
 * Kubernetes' own OpenAPI schema of the core types inferplane copies from its custom resources into
 * the objects it makes (kubernetes-models, generated from the apiserver's published OpenAPI, and
 * run as precompiled ajv validators): types, required fields, enums and formats such as
 * `quantity`. What the apiserver checks in Go beyond the schema (names, uniqueness, ranges) is not
 * here: see webhooks/validators/pod-template.ts. Pure.
 */

/** One finding, in the form of a field error: the field as `kubectl explain` names it, what is wrong, what to do. */
export interface SchemaFinding {
  path: string;
  detail: string;
  fix: string;
}

/** What ajv reports per error (its ErrorObject, as far as it is read here). */
interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Fields whose keys are data (map entries), written `labels[app]` rather than `labels.app`. */
const MAPS = new Set(["labels", "annotations", "nodeSelector", "limits", "requests", "overhead", "claims"]);

/** `/spec/containers/0/env/1/value` → `spec.containers[0].env[1].value`, under `prefix`. */
function fieldPath(prefix: string, pointer: string): string {
  const segments = pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  let path = prefix;
  segments.forEach((segment, i) => {
    const inMap = i > 0 && MAPS.has(segments[i - 1] ?? "");
    if (/^\d+$/.test(segment) && !inMap) path += `[${segment}]`;
    else if (inMap) path += `[${segment}]`;
    else path += path ? `.${segment}` : segment;
  });
  return path;
}

function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const segment of pointer.split("/").slice(1)) {
    const key = segment.replace(/~1/g, "/").replace(/~0/g, "~");
    value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

function shown(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object" && value !== null) return "an object";
  return value === undefined ? "nothing" : JSON.stringify(value);
}

const RANK: Record<string, number> = { format: 0, type: 1, enum: 2 };

/** The one error of a field to report: a format (quantity) over a type over an enum over the rest. */
function chosen(errors: readonly AjvError[]): AjvError {
  return [...errors].sort((a, b) => (RANK[a.keyword] ?? 9) - (RANK[b.keyword] ?? 9))[0] as AjvError;
}

function finding(error: AjvError, value: unknown, path: string): SchemaFinding {
  if (error.keyword === "format" && error.params.format === "quantity")
    return { path, detail: `${shown(value)} is not a Kubernetes quantity`, fix: "write it like 16Gi, 500m or 2" };
  if (error.keyword === "type")
    return {
      path,
      detail: `${shown(value)} is not ${String(error.params.type)}`,
      fix: `write ${String(error.params.type)}`,
    };
  if (error.keyword === "enum")
    return {
      path,
      detail: `${shown(value)} is not supported`,
      fix: `use one of: ${(error.params.allowedValues as unknown[]).join(", ")}`,
    };
  return { path, detail: `${shown(value)} ${error.message ?? "is invalid"}`, fix: "see the Kubernetes API reference" };
}

/** ajv's errors as findings: every missing required field, and one finding per other field. */
function findings(errors: readonly AjvError[], root: unknown, prefix: string): SchemaFinding[] {
  const out: SchemaFinding[] = [];
  const byPath = new Map<string, AjvError[]>();
  for (const error of errors) {
    if (error.keyword === "required") {
      const missing = String(error.params.missingProperty);
      out.push({
        path: fieldPath(prefix, `${error.instancePath}/${missing}`),
        detail: "required",
        fix: `add ${missing}`,
      });
    } else byPath.set(error.instancePath, [...(byPath.get(error.instancePath) ?? []), error]);
  }
  for (const [pointer, group] of byPath)
    out.push(finding(chosen(group), valueAt(root, pointer), fieldPath(prefix, pointer)));
  return out;
}

/**
 * `template` against core/v1 PodTemplateSpec's official schema: every finding, its path under
 * `prefix` (`spec.template.roles[0].entryTemplate`); empty when the schema holds.
 */
export function podTemplateSchemaFindings(template: unknown, prefix: string): SchemaFinding[] {
  if (typeof template !== "object" || template === null || Array.isArray(template))
    return [
      { path: prefix, detail: `${shown(template)} is not an object`, fix: "write a pod template: {metadata, spec}" },
    ];
  try {
    new PodTemplateSpec(template).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: AjvError[] }).errors;
    if (!Array.isArray(errors)) throw err;
    return findings(errors, template, prefix);
  }
}
