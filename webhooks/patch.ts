import fastJsonPatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";

/**
 * RFC 6902 operations that turn `original` into `mutated`. fast-json-patch escapes `/` and `~`
 * in keys (`~1`, `~0`) and diffs arrays element by element, so other webhooks' entries survive.
 */
export function jsonPatch(original: unknown, mutated: unknown): Operation[] {
  return fastJsonPatch.compare(original as object, mutated as object);
}

/** The base64 patch an AdmissionResponse carries, or undefined when nothing changed. */
export function encodePatch(ops: readonly Operation[]): string | undefined {
  return ops.length === 0 ? undefined : Buffer.from(JSON.stringify(ops)).toString("base64");
}

/** Applies a patch to a copy of `doc` (validating each operation), as the apiserver would. */
export function applyPatch<T>(doc: T, ops: readonly Operation[]): T {
  return fastJsonPatch.applyPatch(structuredClone(doc), [...ops], true, false).newDocument;
}
