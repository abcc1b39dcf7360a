import { createHash } from "node:crypto";

/**
 * `value` when it has at most `max` characters (max ≥ 16); else its first `max − 9` characters
 * (trailing `-`, `.` and `_` cut, so it still ends with a letter or digit) then `-` and the first 8
 * hex digits of its sha256, so two long values that share a prefix stay apart. Names and label
 * values derived from a user's name keep within the apiserver's lengths this way.
 */
export function shortened(value: string, max: number): string {
  if (value.length <= max) return value;
  const hash = createHash("sha256").update(value).digest("hex").slice(0, 8);
  return `${value.slice(0, max - 9).replace(/[-._]+$/, "")}-${hash}`;
}
