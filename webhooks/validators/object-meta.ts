import {
  DNS1123_LABEL_RULE,
  DNS1123_SUBDOMAIN_RULE,
  LABEL_VALUE_RULE,
  QUALIFIED_NAME_RULE,
  type NameRule,
} from "../../src/kube/validation.js";
import { entryPath, type FieldError } from "../field-errors.js";

/** The apiserver's limit on all annotations of one object together (TotalAnnotationSizeLimitB). */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

interface Meta {
  name?: unknown;
  generateName?: unknown;
  namespace?: unknown;
  labels?: unknown;
  annotations?: unknown;
}

function isStringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === "string")
  );
}

function ruleError(path: string, value: string, rule: NameRule): FieldError[] {
  const errors = rule.check(value);
  return errors.length === 0
    ? []
    : [
        {
          path,
          detail: `${JSON.stringify(value)} is not a ${rule.name}: ${errors.join(" and ")}`,
          fix: `use ${rule.allows}, at most ${rule.maxLength} characters`,
        },
      ];
}

function nameErrors(meta: Meta): FieldError[] {
  const { name, generateName } = meta;
  if (typeof name === "string" && name !== "") return ruleError("metadata.name", name, DNS1123_SUBDOMAIN_RULE);
  if (typeof generateName === "string" && generateName !== "") return [];
  return [{ path: "metadata.name", detail: "name or generateName is required", fix: "name the object" }];
}

function keyErrors(path: string, key: string, lowerCase: boolean): FieldError[] {
  const problems = QUALIFIED_NAME_RULE.check(lowerCase ? key.toLowerCase() : key);
  return problems.length === 0
    ? []
    : [
        {
          path,
          detail: `key ${JSON.stringify(key)} is not a qualified name: ${problems.join(" and ")}`,
          fix: "write it like example.com/name",
        },
      ];
}

const NOT_A_MAP = (path: string, what: string): FieldError[] => [
  { path, detail: "must map keys to strings", fix: `quote every ${what} value` },
];

/** Annotation keys are qualified names (checked lower-cased, as the apiserver does); all of them at most 256 KiB. */
export function annotationErrors(path: string, annotations: unknown): FieldError[] {
  if (annotations === undefined || annotations === null) return [];
  if (!isStringMap(annotations)) return NOT_A_MAP(path, "annotation");
  const errors = Object.keys(annotations).flatMap((key) => keyErrors(path, key, true));
  const bytes = Object.entries(annotations).reduce((sum, [k, v]) => sum + Buffer.byteLength(k + v), 0);
  if (bytes > MAX_ANNOTATIONS_BYTES)
    errors.push({ path, detail: `${bytes} bytes in all`, fix: `keep them under ${MAX_ANNOTATIONS_BYTES} bytes` });
  return errors;
}

/** Label keys are qualified names and values label values (ValidateLabels). */
export function labelErrors(path: string, labels: unknown): FieldError[] {
  if (labels === undefined || labels === null) return [];
  if (!isStringMap(labels)) return NOT_A_MAP(path, "label");
  return Object.entries(labels).flatMap(([key, value]) => [
    ...keyErrors(path, key, false),
    ...ruleError(entryPath(path, key), value, LABEL_VALUE_RULE),
  ]);
}

/**
 * What kube-apiserver refuses in an object's metadata before any webhook sees it
 * (k8s.io/apimachinery/pkg/api/validation ValidateObjectMeta; custom resources use
 * NameIsDNSSubdomain): the name a DNS-1123 subdomain, the namespace of a namespaced object a
 * DNS-1123 label, labels and annotations well formed. `namespaced`: the kind's scope (a
 * cluster-scoped object's namespace is cleared by the apiserver, not checked).
 */
export function objectMetaErrors(metadata: unknown, namespaced: boolean): FieldError[] {
  const meta: Meta = typeof metadata === "object" && metadata !== null ? metadata : {};
  const namespace = meta.namespace;
  return [
    ...nameErrors(meta),
    ...(namespaced && typeof namespace === "string" && namespace !== ""
      ? ruleError("metadata.namespace", namespace, DNS1123_LABEL_RULE)
      : []),
    ...labelErrors("metadata.labels", meta.labels),
    ...annotationErrors("metadata.annotations", meta.annotations),
  ];
}
