import { crdNamespaced, crdSchema } from "../../src/apis/crds.js";
import { failures } from "../enhancers/result.js";
import { DenialCode, type FieldError } from "../field-errors.js";
import type { Validator } from "../validators.js";
import { pruneNulls } from "./crd-nulls.js";
import { schemaErrors } from "./crd-schema.js";
import { objectMetaErrors } from "./object-meta.js";

interface Admitted {
  /** The object as the apiserver would store it (non-nullable nulls dropped or defaulted). */
  object: unknown;
  /** Where a null was dropped or defaulted. */
  dropped: FieldError[];
  /** What the CRD schema refuses; empty when the apiserver would admit it. */
  errors: FieldError[];
}

/**
 * How kube-apiserver reads an object of one of our kinds (`apiVersion` and `kind` as in the
 * object) before any webhook sees it: nulls pruned (crd-nulls.ts), then its metadata
 * (ValidateObjectMeta) and the CRD schema checked. Undefined for a kind that is not ours.
 */
export function admitBySchema(apiVersion: string, kind: string, obj: unknown): Admitted | undefined {
  const schema = crdSchema(apiVersion, kind);
  if (!schema) return undefined;
  const { value, dropped } = pruneNulls(schema, obj);
  const metadata = (value as { metadata?: unknown } | null)?.metadata;
  const errors = [
    ...objectMetaErrors(metadata, crdNamespaced(apiVersion, kind) ?? true),
    ...schemaErrors(schema, value),
  ];
  return { object: value, dropped, errors };
}

/**
 * `validate`, run only on an object that satisfies its CRD schema (`crds/`), the way kube-apiserver
 * checks a custom resource before any validating webhook sees it: non-nullable nulls are pruned
 * first, as the apiserver prunes them, and the typed rules get the pruned object, so they can rely
 * on required fields and types; an object that reaches us unchecked (no CRD installed, an old CRD,
 * a dry run) is denied 422 with its field errors instead of failing in a rule. `key`:
 * `group/version/Kind`, as VALIDATORS keys it.
 */
export function afterCrdSchema(key: string, validate: Validator): Validator {
  const [group = "", version = "", kind = ""] = key.split("/");
  return (obj, namespace, ctx, oldObject) => {
    const admitted = admitBySchema(`${group}/${version}`, kind, obj);
    if (!admitted) return validate(obj, namespace, ctx, oldObject);
    if (admitted.errors.length > 0) return failures(DenialCode.Invalid, admitted.errors);
    const old = oldObject === undefined ? undefined : admitBySchema(`${group}/${version}`, kind, oldObject)?.object;
    return validate(admitted.object, namespace, ctx, old);
  };
}
