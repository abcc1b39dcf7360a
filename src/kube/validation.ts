/**
 * The apiserver's rules for names, label values and integers, with its own wording
 * (k8s.io/apimachinery/pkg/util/validation/validation.go: IsDNS1123Label, IsDNS1123Subdomain,
 * IsDNS1035Label, IsValidLabelValue, IsQualifiedName; int32 fields of the core API). Each check
 * returns the apiserver's messages for a bad value, or [] for a good one, so every value inferplane
 * derives or copies into an object is checked exactly as the apiserver will check it.
 */

const DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const QUALIFIED_NAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE = `(${QUALIFIED_NAME})?`;

/** A rule a value must follow: its name (as Kubernetes' docs name it) and its check. */
export interface NameRule {
  /** `DNS-1123 label`, `label value`, …: what the fix text names. */
  name: string;
  /** The characters it allows, for a fix text: `lower-case letters, digits and '-'`. */
  allows: string;
  maxLength: number;
  check(value: string): string[];
}

function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

function regexError(message: string, format: string, ...examples: string[]): string {
  const shown = examples.map((e) => `'${e}'`).join(" or ");
  return `${message} (e.g. ${shown}, regex used for validation is '${format}')`;
}

function rule(
  name: string,
  allows: string,
  maxLength: number,
  format: string,
  message: string,
  examples: string[],
): NameRule {
  const pattern = new RegExp(`^${format}$`);
  return {
    name,
    allows,
    maxLength,
    check(value: string): string[] {
      const errors: string[] = [];
      if (value.length > maxLength) errors.push(maxLenError(maxLength));
      if (!pattern.test(value)) errors.push(regexError(message, format, ...examples));
      return errors;
    },
  };
}

/** Pod `spec.hostname` and `spec.subdomain`, a StatefulSet pod's hostname. */
export const DNS1123_LABEL_RULE = rule(
  "DNS-1123 label",
  "lower-case letters, digits and '-', starting and ending with a letter or digit",
  63,
  DNS1123_LABEL,
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
  ["my-name", "123-abc"],
);

/** Most object names (`metadata.name` of Pods, PodGroups, ConfigMaps, custom resources). */
export const DNS1123_SUBDOMAIN_RULE = rule(
  "DNS-1123 subdomain",
  "lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
  253,
  DNS1123_SUBDOMAIN,
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  ["example.com"],
);

/** Service names. */
export const DNS1035_LABEL_RULE = rule(
  "DNS-1035 label",
  "lower-case letters, digits and '-', starting with a letter and ending with a letter or digit",
  63,
  DNS1035_LABEL,
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
  ["my-name", "abc-123"],
);

/** Label values (and node selector values). */
export const LABEL_VALUE_RULE = rule(
  "label value",
  "letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or nothing",
  63,
  LABEL_VALUE,
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  ["MyValue", "my_value", "12345"],
);

/**
 * Qualified names: label and annotation keys, extended resource names: an optional DNS-1123
 * subdomain prefix and '/', then a name part of at most 63 characters.
 */
export const QUALIFIED_NAME_RULE: NameRule = {
  name: "qualified name",
  allows: "an optional DNS subdomain and '/', then letters, digits, '-', '_' and '.'",
  maxLength: 253 + 1 + 63,
  check(value: string): string[] {
    const parts = value.split("/");
    if (parts.length > 2) return [`a qualified name must have at most one '/' (e.g. 'example.com/MyName')`];
    const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
    const errors: string[] = [];
    if (prefix !== undefined)
      errors.push(...(prefix === "" ? ["prefix part must be non-empty"] : DNS1123_SUBDOMAIN_RULE.check(prefix)));
    if (!name) return [...errors, "name part must be non-empty"];
    if (name.length > 63) errors.push(`name part ${maxLenError(63)}`);
    if (!new RegExp(`^${QUALIFIED_NAME}$`).test(name))
      errors.push(
        `name part ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED_NAME, "MyName", "my.name", "123-abc")}`,
      );
    return errors;
  },
};

/** The characters of `value` a rule does not allow anywhere, quoted, for a fix text: `'.'`, `'A', '_'`. */
export function disallowedCharacters(value: string, rule: NameRule): string {
  const allowed = rule === LABEL_VALUE_RULE || rule === QUALIFIED_NAME_RULE ? /[-A-Za-z0-9_./]/ : /[-a-z0-9.]/;
  const dotless = rule === DNS1123_LABEL_RULE || rule === DNS1035_LABEL_RULE;
  const bad = [...new Set(Array.from(value).filter((c) => !allowed.test(c) || (dotless && c === ".")))];
  return bad.map((c) => `'${c}'`).join(", ");
}

/** Largest value of an int32 field (`replicas`, `ordinals.start`, container ports). */
export const MAX_INT32 = 2 ** 31 - 1;

/** An int32 field's value as the apiserver decodes it: a JSON integer in [min, 2^31-1], else undefined. */
export function int32(value: unknown, min = 0): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= MAX_INT32 ? value : undefined;
}

/**
 * A whole number written as plain decimal digits, with an optional '-' and no leading zeros, that
 * is exact as a double (|n| ≤ 2^53 - 1); undefined for anything else — "0x10", "1e3", "1.5", "+2",
 * " 2", "", "Infinity" — where Number() or parseInt would read a number the writer did not mean.
 * Every count read from text (annotations, labels, flags, engine flags) goes through here.
 */
export function parseDecimal(text: string): number | undefined {
  if (!/^-?(0|[1-9]\d{0,15})$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && !Object.is(value, -0) ? value : undefined;
}

/** Decimal digits without sign or leading zeros that fit an int32 (an ordinal in a name or label), else undefined. */
export function parseOrdinal(text: string): number | undefined {
  return int32(parseDecimal(text));
}

/** ConfigMap (and Secret) data keys (IsConfigMapKey): letters, digits, '-', '_' and '.'; never `.`, `..` or `..x`. */
export const CONFIG_MAP_KEY_RULE: NameRule = {
  name: "ConfigMap key",
  allows: "letters, digits, '-', '_' and '.', not starting with '..'",
  maxLength: 253,
  check(value: string): string[] {
    const errors: string[] = [];
    if (value.length > 253) errors.push(maxLenError(253));
    if (!/^[-._a-zA-Z0-9]+$/.test(value))
      errors.push(
        regexError(
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
          "[-._a-zA-Z0-9]+",
          "key.name",
          "KEY_NAME",
          "key-name",
        ),
      );
    if (value === ".") errors.push("must not be '.'");
    else if (value === "..") errors.push("must not be '..'");
    else if (value.startsWith("..")) errors.push("must not start with '..'");
    return errors;
  },
};
