import { crdSchema } from "../../src/apis/crds.js";
import { failures } from "../enhancers/result.js";
import { DenialCode } from "../field-errors.js";
import type { Validator } from "../validators.js";
import { schemaErrors } from "./crd-schema.js";

/**
 * `validate`, run only on an object that satisfies its CRD schema (`crds/`), the way kube-apiserver
 * checks a custom resource before any validating webhook sees it. The typed rules can then rely on
 * required fields and types; an object that reaches us unchecked (no CRD installed, an old CRD, a
 * dry run) is denied 422 with its field errors instead of failing in a rule. `key`:
 * `group/version/Kind`, as VALIDATORS keys it.
 */
export function afterCrdSchema(key: string, validate: Validator): Validator {
  const [group = "", version = "", kind = ""] = key.split("/");
  return (obj, namespace, ctx, oldObject) => {
    const schema = crdSchema(`${group}/${version}`, kind);
    const errors = schema ? schemaErrors(schema, obj) : [];
    return errors.length === 0 ? validate(obj, namespace, ctx, oldObject) : failures(DenialCode.Invalid, errors);
  };
}
