// The HTTP side of the API double: paths, Status replies, bodies, label selectors, merge patch.
import type { IncomingMessage, ServerResponse } from "node:http";

export interface StoredObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    ownerReferences?: Array<{ uid: string }>;
    [k: string]: unknown;
  };
  spec?: unknown;
  status?: unknown;
  [k: string]: unknown;
}

export type Labels = Record<string, string>;

export interface Target {
  /** `group/version/plural`, `/v1/pods` style for the core group. */
  resource: string;
  apiVersion: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

export function parsePath(pathname: string): Target | undefined {
  const parts = pathname.split("/").filter(Boolean);
  let apiVersion: string;
  let rest: string[];
  if (parts[0] === "api" && parts[1]) [apiVersion, rest] = [parts[1], parts.slice(2)];
  else if (parts[0] === "apis" && parts[1] && parts[2])
    [apiVersion, rest] = [`${parts[1]}/${parts[2]}`, parts.slice(3)];
  else return undefined;
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) [namespace, rest] = [rest[1], rest.slice(2)];
  const [plural, name, subresource] = rest;
  if (!plural) return undefined;
  return { resource: `${apiVersion}/${plural}`, apiVersion, namespace, name, subresource };
}

export function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify({ apiVersion: "v1", kind: "Status", status: "Failure", reason, message, code }));
}

export function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text ? JSON.parse(text) : undefined;
}

/** `GET /api/v1` or `/apis/<group>/<version>`: the discovery document of one group version. */
export function discoveryVersion(pathname: string): string | undefined {
  const parts = pathname.split("/").filter(Boolean);
  if (parts[0] === "api" && parts.length === 2) return parts[1];
  if (parts[0] === "apis" && parts.length === 3) return `${parts[1]}/${parts[2]}`;
  return undefined;
}

export function labelsOf(obj: StoredObject): Labels {
  return (obj.metadata as { labels?: Labels }).labels ?? {};
}

export function labelSelector(selector: string | null): (obj: StoredObject) => boolean {
  const matches = labelMatcher(selector);
  return (obj) => matches(labelsOf(obj));
}

/** Equality-based label selectors (`k=v`, `k==v`, `k!=v`, `k`, `!k`), comma-separated, all of which must hold. */
export function labelMatcher(selector: string | null): (labels: Labels) => boolean {
  const terms = (selector ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean)
    .map((term) => {
      const m = /^(!?)([^=!]+?)\s*(?:(==|=|!=)\s*(.*))?$/.exec(term);
      if (!m) throw new Error(`bad label selector term ${term}`);
      return { negate: m[1] === "!", key: m[2]!, op: m[3], value: m[4] };
    });
  return (labels) => {
    return terms.every(({ negate, key, op, value }) => {
      if (!op) return negate ? !(key in labels) : key in labels;
      return op === "!=" ? labels[key] !== value : labels[key] === value;
    });
  };
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    typeof target === "object" && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    result[key] = value === null ? undefined : mergePatch(result[key], value);
  }
  return JSON.parse(JSON.stringify(result)) as unknown;
}
