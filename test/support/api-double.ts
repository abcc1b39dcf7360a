// An in-process Kubernetes API server double for tests of code that talks to the API through
// @kubernetes/client-node. It follows the API conventions that matter to clients: a global
// resourceVersion, 409 on create of an existing object and on update with a stale
// resourceVersion, list + watch from a resourceVersion (410 Gone when too old), the status
// subresource, generation bumps on spec change, and garbage collection of dependents.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import fastJsonPatch from "fast-json-patch";
import { KubeConfig } from "@kubernetes/client-node";
import { AccessReviews, SUBJECT_ACCESS_REVIEWS, TOKEN_REVIEWS } from "./api-double-reviews.js";

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

interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: StoredObject;
  rv: number;
  resource: string;
}

interface Target {
  /** `group/version/plural`, `/v1/pods` style for the core group. */
  resource: string;
  apiVersion: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

interface Watcher {
  target: Target;
  res: ServerResponse;
}

const HISTORY_LIMIT = 10_000;

function parsePath(pathname: string): Target | undefined {
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

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify({ apiVersion: "v1", kind: "Status", status: "Failure", reason, message, code }));
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text ? JSON.parse(text) : undefined;
}

export class ApiDouble {
  private server: Server | undefined;
  private rv = 1;
  private readonly objects = new Map<string, Map<string, StoredObject>>();
  private readonly history: WatchEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private failures: Array<{ match: (method: string, target: Target) => boolean; code: number }> = [];
  /** Every request, as `METHOD path` (for counting API calls). */
  readonly requests: string[] = [];
  /** The same, per client (its bearer token), to tell who wrote what. */
  readonly requestsBy = new Map<string, string[]>();
  /** TokenReviews (register tokens with `reviews.addToken`) and SubjectAccessReviews decided by stored RBAC. */
  readonly reviews = new AccessReviews(this);

  async start(): Promise<number> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.closeWatches();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => {
      if (this.server)
        this.server.close(() => {
          resolve();
        });
      else resolve();
    });
  }

  /** A kubeconfig for this double; `token` identifies the client in `requestsBy`. */
  kubeConfig(token = "t"): KubeConfig {
    const kc = new KubeConfig();
    const port = (this.server!.address() as AddressInfo).port;
    kc.loadFromOptions({
      clusters: [{ name: "double", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: "test", token }],
      contexts: [{ name: "double", cluster: "double", user: "test" }],
      currentContext: "double",
    });
    return kc;
  }

  /** The next `count` requests matching method and resource fail with `code`. */
  failNext(method: string, resourceSuffix: string, code: number, count = 1): void {
    for (let i = 0; i < count; i++)
      this.failures.push({ match: (m, t) => m === method && t.resource.endsWith(resourceSuffix), code });
  }

  /** Ends every open watch, as an apiserver restart or a load balancer timeout would. */
  closeWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  get(resource: string, namespace: string | undefined, name: string): StoredObject | undefined {
    return this.objects.get(resource)?.get(`${namespace ?? ""}/${name}`);
  }

  list(resource: string): StoredObject[] {
    return [...(this.objects.get(resource)?.values() ?? [])];
  }

  /** Creates an object directly (as another client would), emitting ADDED. */
  create(resource: string, obj: StoredObject): StoredObject {
    const stored = structuredClone(obj);
    stored.metadata.uid ??= randomUUID();
    stored.metadata.generation = 1;
    stored.metadata.creationTimestamp ??= new Date().toISOString();
    return this.store(resource, stored, "ADDED");
  }

  private store(resource: string, obj: StoredObject, type: WatchEvent["type"]): StoredObject {
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    const byKey = this.objects.get(resource) ?? new Map<string, StoredObject>();
    this.objects.set(resource, byKey);
    const key = `${obj.metadata.namespace ?? ""}/${obj.metadata.name}`;
    if (type === "DELETED") byKey.delete(key);
    else byKey.set(key, obj);
    const event: WatchEvent = { type, object: structuredClone(obj), rv, resource };
    this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) this.history.shift();
    for (const w of this.watchers) this.send(w, event);
    return obj;
  }

  /** Changes an object directly (as another client would): generation bumps on spec change, MODIFIED is emitted. */
  update(
    resource: string,
    namespace: string | undefined,
    name: string,
    change: (obj: StoredObject) => void,
  ): StoredObject {
    const existing = this.get(resource, namespace, name);
    if (!existing) throw new Error(`${resource} ${namespace ?? ""}/${name} not found`);
    const next = structuredClone(existing);
    change(next);
    if (JSON.stringify(next.spec) !== JSON.stringify(existing.spec))
      next.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    return this.store(resource, next, "MODIFIED");
  }

  delete(resource: string, namespace: string | undefined, name: string): StoredObject | undefined {
    const existing = this.get(resource, namespace, name);
    if (!existing) return undefined;
    this.store(resource, structuredClone(existing), "DELETED");
    this.collectDependents(existing.metadata.uid);
    return existing;
  }

  private collectDependents(uid: string | undefined): void {
    if (!uid) return;
    for (const [resource, byKey] of this.objects) {
      for (const obj of [...byKey.values()]) {
        if (obj.metadata.ownerReferences?.some((o) => o.uid === uid))
          this.delete(resource, obj.metadata.namespace, obj.metadata.name);
      }
    }
  }

  private matches(target: Target, event: WatchEvent): boolean {
    return (
      event.resource === target.resource &&
      (target.namespace === undefined || event.object.metadata.namespace === target.namespace)
    );
  }

  private send(w: Watcher, event: WatchEvent): void {
    if (this.matches(w.target, event)) w.res.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://double");
    const method = req.method ?? "GET";
    this.requests.push(`${method} ${url.pathname}`);
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    this.requestsBy.set(token, [...(this.requestsBy.get(token) ?? []), `${method} ${url.pathname}`]);
    const target = parsePath(url.pathname);
    if (!target) {
      status(res, 404, "NotFound", `no route ${url.pathname}`);
      return;
    }
    const failure = this.failures.findIndex((f) => f.match(method, target));
    if (failure >= 0) {
      const [f] = this.failures.splice(failure, 1);
      status(res, f!.code, "InternalError", "injected failure");
      return;
    }
    try {
      await this.route(method, target, url, req, res);
    } catch (err) {
      status(res, 400, "BadRequest", String(err));
    }
  }

  private async route(
    method: string,
    target: Target,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    if (method === "GET" && !target.name) {
      url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1"
        ? this.watch(target, url, res)
        : this.listResponse(target, url, res);
      return;
    }
    if (method === "GET") {
      this.getResponse(target, res);
      return;
    }
    if (method === "POST" && (target.resource === TOKEN_REVIEWS || target.resource === SUBJECT_ACCESS_REVIEWS)) {
      const body = (await readBody(req)) as Record<string, never>;
      const review = this.reviews;
      json(res, 201, target.resource === TOKEN_REVIEWS ? review.tokenReview(body) : review.subjectAccessReview(body));
      return;
    }
    if (method === "POST" && target.subresource === "binding") {
      this.bindResponse(
        target,
        (await readBody(req)) as { metadata?: { uid?: string }; target?: { name?: string } },
        res,
      );
      return;
    }
    if (method === "POST") {
      this.createResponse(target, (await readBody(req)) as StoredObject, res);
      return;
    }
    if (method === "PUT") {
      this.updateResponse(target, (await readBody(req)) as StoredObject, res);
      return;
    }
    if (method === "PATCH") {
      this.patchResponse(target, await readBody(req), req.headers["content-type"] ?? "", res);
      return;
    }
    if (method === "DELETE") {
      const deleted = this.delete(target.resource, target.namespace, target.name ?? "");
      deleted ? json(res, 200, deleted) : status(res, 404, "NotFound", `${target.name ?? ""} not found`);
      return;
    }
    status(res, 405, "MethodNotAllowed", method);
  }

  private listResponse(target: Target, url: URL, res: ServerResponse): void {
    const selects = labelSelector(url.searchParams.get("labelSelector"));
    const items = this.list(target.resource).filter(
      (o) => (target.namespace === undefined || o.metadata.namespace === target.namespace) && selects(o),
    );
    json(res, 200, {
      apiVersion: target.apiVersion,
      kind: "List",
      metadata: { resourceVersion: String(this.rv) },
      items,
    });
  }

  private watch(target: Target, url: URL, res: ServerResponse): void {
    const since = Number(url.searchParams.get("resourceVersion") ?? this.rv);
    res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
    res.flushHeaders();
    const oldest = this.history[0]?.rv ?? this.rv + 1;
    if (since + 1 < oldest && since < this.rv) {
      res.end(
        `${JSON.stringify({ type: "ERROR", object: { kind: "Status", apiVersion: "v1", status: "Failure", reason: "Expired", code: 410, message: "too old resource version" } })}\n`,
      );
      return;
    }
    const watcher: Watcher = { target, res };
    for (const event of this.history) if (event.rv > since) this.send(watcher, event);
    this.watchers.add(watcher);
    res.on("close", () => this.watchers.delete(watcher));
  }

  private getResponse(target: Target, res: ServerResponse): void {
    const obj = this.get(target.resource, target.namespace, target.name ?? "");
    if (obj) json(res, 200, obj);
    else status(res, 404, "NotFound", `${target.resource} ${target.name ?? ""} not found`);
  }

  private createResponse(target: Target, body: StoredObject, res: ServerResponse): void {
    body.metadata.namespace ??= target.namespace;
    const generateName = body.metadata.generateName;
    if (!body.metadata.name && typeof generateName === "string")
      body.metadata.name = `${generateName}${randomUUID().slice(0, 5)}`;
    if (this.get(target.resource, body.metadata.namespace, body.metadata.name)) {
      status(res, 409, "AlreadyExists", `${target.resource} "${body.metadata.name}" already exists`);
      return;
    }
    json(res, 201, this.create(target.resource, body));
  }

  /** pods/<name>/binding: sets spec.nodeName once; a UID precondition that does not match is a 409. */
  private bindResponse(
    target: Target,
    body: { metadata?: { uid?: string }; target?: { name?: string } },
    res: ServerResponse,
  ): void {
    const pod = this.get(target.resource, target.namespace, target.name ?? "");
    if (!pod) {
      status(res, 404, "NotFound", `pods "${target.name ?? ""}" not found`);
      return;
    }
    if (body.metadata?.uid && body.metadata.uid !== pod.metadata.uid) {
      status(
        res,
        409,
        "Conflict",
        `Precondition failed: UID in precondition: ${body.metadata.uid}, UID in object meta: ${pod.metadata.uid ?? ""}`,
      );
      return;
    }
    const spec = (pod.spec ?? {}) as { nodeName?: string };
    if (spec.nodeName) {
      status(res, 409, "Conflict", `pod ${pod.metadata.name} is already assigned to node "${spec.nodeName}"`);
      return;
    }
    const next = structuredClone(pod);
    next.spec = { ...spec, nodeName: body.target?.name };
    this.store(target.resource, next, "MODIFIED");
    json(res, 201, { apiVersion: "v1", kind: "Status", status: "Success", code: 201 });
  }

  private updateResponse(target: Target, body: StoredObject, res: ServerResponse): void {
    const existing = this.get(target.resource, target.namespace, target.name ?? "");
    if (!existing) {
      status(res, 404, "NotFound", `${target.name ?? ""} not found`);
      return;
    }
    if (body.metadata.resourceVersion && body.metadata.resourceVersion !== existing.metadata.resourceVersion) {
      status(
        res,
        409,
        "Conflict",
        `Operation cannot be fulfilled on ${target.resource} "${existing.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
      return;
    }
    json(res, 200, this.replace(target, existing, body));
  }

  private replace(target: Target, existing: StoredObject, body: StoredObject): StoredObject {
    const next = structuredClone(body);
    next.metadata = {
      ...body.metadata,
      uid: existing.metadata.uid,
      creationTimestamp: existing.metadata.creationTimestamp,
      namespace: existing.metadata.namespace,
      generation: existing.metadata.generation,
    };
    if (target.subresource === "status") next.spec = existing.spec;
    else if ("status" in existing) next.status = existing.status;
    if (JSON.stringify(next.spec) !== JSON.stringify(existing.spec))
      next.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    // As the apiserver: a write that changes nothing keeps the resourceVersion and sends no event.
    if (
      JSON.stringify({ ...next, metadata: { ...next.metadata, resourceVersion: undefined } }) ===
      JSON.stringify({ ...existing, metadata: { ...existing.metadata, resourceVersion: undefined } })
    )
      return existing;
    return this.store(target.resource, next, "MODIFIED");
  }

  private patchResponse(target: Target, patch: unknown, contentType: string, res: ServerResponse): void {
    const existing = this.get(target.resource, target.namespace, target.name ?? "");
    if (!existing) {
      status(res, 404, "NotFound", `${target.name ?? ""} not found`);
      return;
    }
    const patched = contentType.includes("json-patch")
      ? fastJsonPatch.applyPatch(structuredClone(existing), patch as fastJsonPatch.Operation[], true, false).newDocument
      : mergePatch(structuredClone(existing), patch);
    json(res, 200, this.replace(target, existing, patched as StoredObject));
  }
}

/** Equality-based label selectors (`k=v`, `k==v`, `k!=v`, `k`, `!k`), comma-separated, all of which must hold. */
function labelSelector(selector: string | null): (obj: StoredObject) => boolean {
  const terms = (selector ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean)
    .map((term) => {
      const m = /^(!?)([^=!]+?)\s*(?:(==|=|!=)\s*(.*))?$/.exec(term);
      if (!m) throw new Error(`bad label selector term ${term}`);
      return { negate: m[1] === "!", key: m[2]!, op: m[3], value: m[4] };
    });
  return (obj) => {
    const labels = (obj.metadata as { labels?: Record<string, string> }).labels ?? {};
    return terms.every(({ negate, key, op, value }) => {
      if (!op) return negate ? !(key in labels) : key in labels;
      return op === "!=" ? labels[key] !== value : labels[key] === value;
    });
  };
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
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
