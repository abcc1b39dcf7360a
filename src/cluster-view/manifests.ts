import { statSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { KubeObject } from "../kube/object.js";

export class ManifestError extends Error {}

/**
 * Aliases one document may expand (the yaml package's `maxAliasCount`): a "billion laughs"
 * document stops there with a ManifestError instead of growing without bound.
 */
const MAX_ALIAS_COUNT = 100;

function checkedObject(value: unknown, where: string): KubeObject {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ManifestError(`${where} is not a Kubernetes object`);
  const obj = value as KubeObject;
  if (typeof obj.apiVersion !== "string" || !obj.apiVersion || typeof obj.kind !== "string" || !obj.kind)
    throw new ManifestError(`${where} has no apiVersion or kind`);
  return obj;
}

/** A List (`kind: List`, or any `…List` with `items`) is its items, as kubectl apply reads it. */
function listItems(obj: KubeObject, where: string): KubeObject[] {
  const items = (obj as { items?: unknown }).items;
  if (!obj.kind?.endsWith("List") || items === undefined) return [obj];
  if (!Array.isArray(items)) throw new ManifestError(`${where}: items is not a list`);
  return items.map((item, i) => checkedObject(item, `${where} item ${i + 1}`));
}

function documentValue(doc: ReturnType<typeof parseAllDocuments>[number], where: string): unknown {
  if (doc.errors.length > 0) throw new ManifestError(`${where}: ${doc.errors[0]?.message ?? "invalid YAML"}`);
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // The yaml package's guard against alias bombs (a ReferenceError), and any other document it cannot build.
    throw new ManifestError(`${where}: ${(err as Error).message}`);
  }
}

/** Every object of a multi-document YAML (or JSON) text, Lists expanded; empty documents are skipped. */
export function parseManifests(text: string, source: string): KubeObject[] {
  const parsed = parseAllDocuments(text);
  const docs = Array.isArray(parsed) ? parsed : [parsed];
  return docs.flatMap((doc, index) => {
    const where = `${source}: document ${index + 1}`;
    const value = documentValue(doc, where);
    if (value === null || value === undefined) return [];
    return listItems(checkedObject(value, where), where);
  });
}

/** Throws a ManifestError naming `--manifests DIR` when `dir` is missing or is not a directory. */
export function assertManifestDir(dir: string): void {
  const stats = statSync(dir, { throwIfNoEntry: false });
  if (!stats) throw new ManifestError(`--manifests ${dir}: no such directory`);
  if (!stats.isDirectory())
    throw new ManifestError(`--manifests ${dir}: not a directory; name the directory that holds the YAML files`);
}

async function manifestFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** All objects in the YAML/JSON files below `dir`, in a stable order. */
export async function loadManifestDir(dir: string): Promise<KubeObject[]> {
  const objects: KubeObject[] = [];
  for (const file of await manifestFiles(dir)) {
    const text = await readFile(file, "utf8");
    objects.push(...(file.endsWith(".json") ? parseJsonManifest(text, file) : parseManifests(text, file)));
  }
  return objects;
}

/** A JSON file is one object, or a List; files that are not objects (AdmissionReviews) are skipped. */
function parseJsonManifest(text: string, source: string): KubeObject[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(`${source}: ${(err as Error).message}`);
  }
  const obj = value as KubeObject & { items?: KubeObject[] };
  if (obj.kind === "AdmissionReview") return [];
  if (obj.kind?.endsWith("List") && Array.isArray(obj.items)) return obj.items;
  return obj.apiVersion && obj.kind ? [obj] : [];
}
