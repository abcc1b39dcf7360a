import { DenialCode } from "../field-errors.js";
/** What an enhancer or validator concludes about one object. */
export type Outcome<T> = { ok: true; value: T; warnings: string[] } | { ok: false; code: DenialCode; message: string };

export function success<T>(value: T, warnings: string[] = []): Outcome<T> {
  return { ok: true, value, warnings };
}

/** `code`: one per kind of fault (field-errors.ts): 422 fields that can never work, 403 refused in this cluster, 503 not ready. */
export function failure<T>(code: DenialCode, message: string): Outcome<T> {
  return { ok: false, code, message };
}
