import { createHash } from "node:crypto";
import type { ModelInferSpec } from "../apis/matrixinfer.js";

/** JSON with object keys sorted, so equal objects hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const revisions = new WeakMap<ModelInferSpec, string>();

/**
 * The revision of a ModelInfer: a hash of its role templates with `replicas` removed,
 * so scaling a role does not roll its pods. Cached per spec object: objects in the cluster
 * view are replaced, never changed in place, so admission hashes each spec once.
 */
export function templateRevision(spec: ModelInferSpec): string {
  let revision = revisions.get(spec);
  if (revision === undefined) {
    const roles = spec.template.roles.map((role) => ({ ...role, replicas: undefined }));
    revision = createHash("sha256").update(canonicalJson(roles)).digest("hex").slice(0, 10);
    revisions.set(spec, revision);
  }
  return revision;
}
