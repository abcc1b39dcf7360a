import type { EmittedName } from "../../src/modelinfer/emitted-names.js";
import {
  disallowedCharacters,
  DNS1035_LABEL_RULE,
  LABEL_VALUE_RULE,
  QUALIFIED_NAME_RULE,
  type NameRule,
} from "../../src/kube/validation.js";
import type { FieldError } from "../field-errors.js";

export type BrokenName = EmittedName & { errors: string[] };

/** `makes spec.hostname "qwen2.5-72b-0-decode-0-0", which is not a DNS-1123 label: <the apiserver's words>`. */
export function brokenNameDetail(broken: BrokenName): string {
  return `makes ${broken.field} "${broken.value}", which is not a ${broken.rule.name}: ${broken.errors.join(" and ")}`;
}

/** True when `value` itself (not its length) breaks `rule` wherever it lands in a longer name. */
export function charactersBreak(value: string, rule: NameRule): boolean {
  return disallowedCharacters(value, rule) !== "" || (rule === DNS1035_LABEL_RULE && !/^[a-z]/.test(value));
}

/**
 * How to change `source` (the field the user wrote, holding `value`) so that the names made from it
 * follow the rule that failed, naming that rule: the characters to remove, the length, or the first
 * character.
 */
export function nameRuleFix(source: string, value: string, broken: BrokenName): string {
  const { rule } = broken;
  const chars = disallowedCharacters(value, rule);
  if (chars) return `remove ${chars} from ${source}: a ${rule.name} allows only ${rule.allows}`;
  if (broken.value.length > rule.maxLength)
    return `shorten ${source}: a ${rule.name} has at most ${rule.maxLength} characters`;
  return `change ${source}: a ${rule.name} allows only ${rule.allows}`;
}

/** A field the user wrote whose value is copied as is into a field with `rule` (a label value, a node selector). */
export function copiedValueError(path: string, value: string, rule: NameRule, where: string): FieldError | undefined {
  const errors = rule.check(value);
  if (errors.length === 0) return undefined;
  const broken = { field: where, value, rule, errors };
  return { path, detail: brokenNameDetail(broken), fix: nameRuleFix(path, value, broken) };
}

/** A map copied into labels or a node selector: each key a qualified name, each value a label value. */
export function labelMapErrors(path: string, map: Record<string, string> | undefined, where: string): FieldError[] {
  return Object.entries(map ?? {}).flatMap(([key, value]) => {
    const keyErrors = QUALIFIED_NAME_RULE.check(key);
    const keyError: FieldError[] =
      keyErrors.length === 0
        ? []
        : [
            {
              path,
              detail: `key ${JSON.stringify(key)} is not a label key: ${keyErrors.join(" and ")}`,
              fix: "write it like example.com/name",
            },
          ];
    const valueError = copiedValueError(`${path}[${key}]`, value, LABEL_VALUE_RULE, where);
    return valueError ? [...keyError, valueError] : keyError;
  });
}
