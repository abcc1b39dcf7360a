/** What an enhancer or validator concludes about one object. */
export type Outcome<T> = { ok: true; value: T; warnings: string[] } | { ok: false; code: number; message: string };

export function success<T>(value: T, warnings: string[] = []): Outcome<T> {
  return { ok: true, value, warnings };
}

export function failure<T>(code: number, message: string): Outcome<T> {
  return { ok: false, code, message };
}
