import type { Denial, DenialCode, FieldError } from "../field-errors.js";

/**
 * What an enhancer or validator concludes about one object: the value with warnings, or a denial
 * (one fault kind and its field errors; the processors render it with the object's kind and name).
 */
export type Outcome<T> = { ok: true; value: T; warnings: string[] } | ({ ok: false } & Denial);

export function success<T>(value: T, warnings: string[] = []): Outcome<T> {
  return { ok: true, value, warnings };
}

/** A refusal of one fault kind (DenialCode), with at least one field error. */
export function failure<T>(code: DenialCode, error: FieldError, ...more: FieldError[]): Outcome<T> {
  return { ok: false, code, errors: [error, ...more] };
}

/** A refusal with the errors of a list (which must not be empty). */
export function failures<T>(code: DenialCode, errors: readonly FieldError[]): Outcome<T> {
  return { ok: false, code, errors: [...errors] };
}
