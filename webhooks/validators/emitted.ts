import type { Container, Pod } from "kubernetes-types/core/v1.js";
import { parseQuantity, QuantityError } from "../../src/kube/quantity.js";
import { DNS1123_LABEL_RULE, LABEL_VALUE_RULE, QUALIFIED_NAME_RULE, type NameRule } from "../../src/kube/validation.js";
import { isGpuResource } from "../../src/nvidia/resources.js";
import type { FieldError } from "../field-errors.js";

const FIX = "inferplane derived it from the objects this pod names: correct the value there";

function ruleError(path: string, value: string, rule: NameRule): FieldError[] {
  const errors = rule.check(value);
  return errors.length === 0
    ? []
    : [{ path, detail: `${JSON.stringify(value)} is not a ${rule.name}: ${errors.join(" and ")}`, fix: FIX }];
}

/** Entries of `after` that `before` did not have with that value. */
function added(
  before: Record<string, string> | undefined,
  after: Record<string, string> | undefined,
): [string, string][] {
  return Object.entries(after ?? {}).filter(([k, v]) => before?.[k] !== v);
}

function labelErrors(path: string, before?: Record<string, string>, after?: Record<string, string>): FieldError[] {
  return added(before, after).flatMap(([k, v]) => [
    ...ruleError(`${path}[${k}]`, k, QUALIFIED_NAME_RULE),
    ...ruleError(`${path}[${k}]`, v, LABEL_VALUE_RULE),
  ]);
}

function quantityError(path: string, name: string, value: string): FieldError[] {
  try {
    const milli = parseQuantity(value);
    if (!isGpuResource(name) || milli % 1000 === 0) return [];
    return [{ path, detail: `${JSON.stringify(value)}: an extended resource must be a whole number`, fix: FIX }];
  } catch (err) {
    if (!(err instanceof QuantityError)) throw err;
    return [{ path, detail: `${JSON.stringify(value)} is not a quantity`, fix: FIX }];
  }
}

function resourceErrors(path: string, before: Container | undefined, after: Container): FieldError[] {
  return (["requests", "limits"] as const).flatMap((side) =>
    added(before?.resources?.[side], after.resources?.[side]).flatMap(([name, value]) => [
      ...ruleError(`${path}.resources.${side}[${name}]`, name, QUALIFIED_NAME_RULE),
      ...quantityError(`${path}.resources.${side}[${name}]`, name, value),
    ]),
  );
}

function containerErrors(before: Pod, after: Pod): FieldError[] {
  return (["containers", "initContainers"] as const).flatMap((list) =>
    (after.spec?.[list] ?? []).flatMap((c, i) =>
      resourceErrors(
        `spec.${list}[${i}]`,
        before.spec?.[list]?.find((b) => b.name === c.name),
        c,
      ),
    ),
  );
}

function volumeErrors(before: Pod, after: Pod): FieldError[] {
  return (after.spec?.volumes ?? []).flatMap((v, i) => {
    const size = v.emptyDir?.sizeLimit;
    const old = before.spec?.volumes?.find((b) => b.name === v.name)?.emptyDir?.sizeLimit;
    return size === undefined || size === old ? [] : quantityError(`spec.volumes[${i}].emptyDir.sizeLimit`, "", size);
  });
}

function hostErrors(before: Pod, after: Pod): FieldError[] {
  return (["hostname", "subdomain"] as const).flatMap((field) => {
    const value = after.spec?.[field];
    return value === undefined || value === before.spec?.[field]
      ? []
      : ruleError(`spec.${field}`, value, DNS1123_LABEL_RULE);
  });
}

/**
 * Every value the mutation added or changed on a pod — label keys and values, annotation keys,
 * hostname and subdomain, node selector, resource names and quantities, emptyDir sizes — checked as
 * the apiserver will check the patched pod, so a bad value is refused here with its field instead
 * of by the apiserver after the patch. Values the pod came with are the apiserver's to judge.
 */
export function emittedValueErrors(before: Pod, after: Pod): FieldError[] {
  if (before === after) return [];
  return [
    ...labelErrors("metadata.labels", before.metadata?.labels, after.metadata?.labels),
    ...added(before.metadata?.annotations, after.metadata?.annotations).flatMap(([k]) =>
      ruleError(`metadata.annotations[${k}]`, k, QUALIFIED_NAME_RULE),
    ),
    ...hostErrors(before, after),
    ...labelErrors("spec.nodeSelector", before.spec?.nodeSelector, after.spec?.nodeSelector),
    ...containerErrors(before, after),
    ...volumeErrors(before, after),
  ];
}
