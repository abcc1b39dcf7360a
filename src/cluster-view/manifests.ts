import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { KubeObject } from "../kube/object.js";

export class ManifestError extends Error {}

/** Every document of a multi-document YAML (or JSON) text; empty documents are skipped. */
export function parseManifests(text: string, source: string): KubeObject[] {
  const objects: KubeObject[] = [];
  parseAllDocuments(text).forEach((doc, index) => {
    if (doc.errors.length > 0) {
      throw new ManifestError(`${source}: document ${index + 1}: ${doc.errors[0]?.message ?? "invalid YAML"}`);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    if (typeof value !== "object" || Array.isArray(value)) {
      throw new ManifestError(`${source}: document ${index + 1} is not a Kubernetes object`);
    }
    const obj = value as KubeObject;
    if (!obj.apiVersion || !obj.kind)
      throw new ManifestError(`${source}: document ${index + 1} has no apiVersion or kind`);
    objects.push(obj);
  });
  return objects;
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
