import { cloneJson } from "../src/kube/clone.js";
import fastJsonPatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";

type Json = Record<string, unknown> | unknown[];

const isContainer = (v: unknown): v is Json => typeof v === "object" && v !== null;
const escape = (key: string): string =>
  key.includes("/") || key.includes("~") ? key.replace(/~/g, "~0").replace(/\//g, "~1") : key;

function keysOf(value: Json): string[] {
  return Array.isArray(value) ? value.map((_, i) => String(i)) : Object.keys(value);
}

/** One key of `before`: recurse, replace, or remove it; true when removed. */
function diffKey(before: Json, after: Json, key: string, path: string, ops: Operation[]): boolean {
  const oldValue = (before as Record<string, unknown>)[key];
  const newValue = (after as Record<string, unknown>)[key];
  const at = `${path}/${escape(key)}`;
  const kept =
    Object.hasOwn(after, key) && !(newValue === undefined && oldValue !== undefined && !Array.isArray(after));
  if (!kept) {
    if (Array.isArray(before) !== Array.isArray(after)) {
      ops.push({ op: "replace", path, value: after });
      return false;
    }
    ops.push({ op: "remove", path: at });
    return true;
  }
  if (isContainer(oldValue) && isContainer(newValue) && Array.isArray(oldValue) === Array.isArray(newValue))
    diff(oldValue, newValue, at, ops);
  else if (oldValue !== newValue) ops.push({ op: "replace", path: at, value: newValue ?? null });
  return false;
}

function diff(before: Json, after: Json, path: string, ops: Operation[]): void {
  if (before === after) return;
  const oldKeys = keysOf(before);
  let deleted = false;
  for (let i = oldKeys.length - 1; i >= 0; i--)
    deleted = diffKey(before, after, oldKeys[i] ?? "", path, ops) || deleted;
  const newKeys = keysOf(after);
  if (!deleted && newKeys.length === oldKeys.length) return;
  const added = after as Record<string, unknown>;
  for (const key of newKeys) {
    if (!Object.hasOwn(before, key) && added[key] !== undefined)
      ops.push({ op: "add", path: `${path}/${escape(key)}`, value: added[key] });
  }
}

/**
 * RFC 6902 operations that turn `original` into `mutated`: fast-json-patch's `compare`, operation
 * for operation (keys escaped as `~1`/`~0`, arrays diffed element by element so other webhooks'
 * entries survive), but the values are `mutated`'s own, not deep copies — the patch is serialised
 * at once, and copying large added objects was most of a mutation's cost.
 */
export function jsonPatch(original: unknown, mutated: unknown): Operation[] {
  const ops: Operation[] = [];
  if (isContainer(original) && isContainer(mutated)) diff(original, mutated, "", ops);
  return ops;
}

/** The base64 patch an AdmissionResponse carries, or undefined when nothing changed. */
export function encodePatch(ops: readonly Operation[]): string | undefined {
  return ops.length === 0 ? undefined : Buffer.from(JSON.stringify(ops)).toString("base64");
}

/** Applies a patch to a copy of `doc` (validating each operation), as the apiserver would. */
export function applyPatch<T>(doc: T, ops: readonly Operation[]): T {
  return fastJsonPatch.applyPatch(cloneJson(doc), [...ops], true, false).newDocument;
}
