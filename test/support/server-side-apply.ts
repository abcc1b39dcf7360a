// Server-side apply for the API double, after the apiserver's structured-merge-diff, simplified:
// field ownership is tracked per manager as the set of leaf paths it set; maps merge key by key;
// lists are atomic (the real apiserver merges list-maps such as `containers` by key, which only
// ever keeps more of what others set, never less of ours). An apply removes the fields its manager
// set before and no longer sets (unless another manager also owns them), takes fields from other
// managers when forced, and is a 409 Conflict naming them when a different value is not forced.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

/** Fields never owned: identity and what the server sets. */
const IGNORED = new Set([
  "apiVersion",
  "kind",
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
  "metadata.resourceVersion",
  "metadata.generation",
  "metadata.creationTimestamp",
  "metadata.managedFields",
  "metadata.deletionTimestamp",
]);

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One copy of each path string: thousands of objects of one kind share the same few paths. */
const PATHS = new Map<string, string>();

function intern(path: string): string {
  const known = PATHS.get(path);
  if (known !== undefined) return known;
  PATHS.set(path, path);
  return path;
}

/** Leaf paths of a value, dot-separated (`spec.replicas`, `metadata.labels.app`); lists are leaves. */
export function leafPaths(value: Json | undefined, prefix = ""): string[] {
  if (!isObject(value) || (prefix !== "" && Object.keys(value).length === 0))
    return prefix === "" || IGNORED.has(prefix) ? [] : [intern(prefix)];
  return Object.entries(value).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k.replaceAll(".", "\\.")}` : k;
    return IGNORED.has(path) ? [] : leafPaths(v, path);
  });
}

function split(path: string): string[] {
  return path.split(/(?<!\\)\./).map((p) => p.replaceAll("\\.", "."));
}

export function getAt(value: Json | undefined, path: string): Json | undefined {
  let cur: Json | undefined = value;
  for (const key of split(path)) cur = isObject(cur) ? cur[key] : undefined;
  return cur;
}

function setAt(target: JsonObject, path: string, value: Json): void {
  setKeys(target, split(path), value);
}

function setKeys(target: JsonObject, keys: readonly string[], value: Json): void {
  let cur = target;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(cur[key])) cur[key] = {};
    cur = cur[key];
  }
  cur[keys[keys.length - 1]!] = structuredClone(value);
}

function removeAt(target: JsonObject, path: string): void {
  const keys = split(path);
  const parents: JsonObject[] = [];
  let cur: Json | undefined = target;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(cur)) return;
    parents.push(cur);
    cur = cur[key];
  }
  if (!isObject(cur)) return;
  Reflect.deleteProperty(cur, keys[keys.length - 1]!);
  // Maps left empty by the removal go too, as they would after an apply without them.
  for (let i = parents.length - 1; i >= 0; i--) {
    const child = parents[i]![keys[i]!];
    if (isObject(child) && Object.keys(child).length === 0) Reflect.deleteProperty(parents[i]!, keys[i]!);
    else break;
  }
}

export type Ownership = Map<string, Set<string>>;

export interface ApplyResult {
  object?: JsonObject;
  /** Fields another manager owns with a different value, when not forced. */
  conflicts: { path: string; manager: string }[];
}

/** `live` after `manager` applies `config`; `owners` is updated in place when the apply succeeds. */
export function serverSideApply(
  live: JsonObject,
  config: JsonObject,
  manager: string,
  force: boolean,
  owners: Ownership,
): ApplyResult {
  const paths = new Set(leafPaths(config));
  const conflicts: ApplyResult["conflicts"] = [];
  for (const path of paths) {
    for (const [other, owned] of owners) {
      if (other === manager || !owned.has(path)) continue;
      if (JSON.stringify(getAt(live, path)) !== JSON.stringify(getAt(config, path)))
        conflicts.push({ path, manager: other });
    }
  }
  if (conflicts.length > 0 && !force) return { conflicts };
  const next = structuredClone(live);
  for (const path of owners.get(manager) ?? []) {
    const sharedWith = [...owners].some(([m, owned]) => m !== manager && owned.has(path));
    if (!paths.has(path) && !sharedWith) removeAt(next, path);
  }
  for (const path of paths) setAt(next, path, getAt(config, path)!);
  for (const { path, manager: other } of conflicts) owners.get(other)?.delete(path);
  owners.set(manager, paths);
  return { object: next, conflicts: [] };
}

/** After a create, update or patch by `manager`: it owns what it changed; nobody owns what is gone. */
export function recordWrite(before: Json | undefined, after: JsonObject, manager: string, owners: Ownership): void {
  const afterPaths = new Set(leafPaths(after));
  const changed = [...afterPaths].filter((p) => JSON.stringify(getAt(before, p)) !== JSON.stringify(getAt(after, p)));
  for (const owned of owners.values()) {
    for (const p of [...owned]) if (!afterPaths.has(p) || changed.includes(p)) owned.delete(p);
  }
  const mine = owners.get(manager) ?? new Set<string>();
  for (const p of changed) mine.add(p);
  owners.set(manager, mine);
}
