// An in-process Kubernetes API server double for tests of code that talks to the API through
// @kubernetes/client-node. It follows the API conventions that matter to clients: a global
// resourceVersion, 409 on create of an existing object and on update with a stale
// resourceVersion, list + watch from a resourceVersion (410 Gone when too old), the status
// and scale subresources, generation bumps on spec change, and garbage collection of dependents.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import fastJsonPatch from "fast-json-patch";
import { KubeConfig } from "@kubernetes/client-node";
import { AccessReviews, SUBJECT_ACCESS_REVIEWS, TOKEN_REVIEWS } from "./api-double-reviews.js";
import { apiVersionOf, type KindRef } from "../../src/kube/kind.js";
import { KNOWN_KINDS } from "./known-kinds.js";
import { leafPaths, recordWrite, serverSideApply, type Json, type Ownership } from "./server-side-apply.js";
import {
  discoveryVersion,
  json,
  labelSelector,
  mergePatch,
  parsePath,
  readBody,
  status,
  type StoredObject,
  type Target,
} from "./api-http.js";
import { WatchHub, type WatchEvent } from "./api-watch.js";
import { requestedScale, scaled, scaleOf, scalePaths } from "./api-scale.js";

export type { StoredObject } from "./api-http.js";

/** A kubeconfig for a double listening on `port` of loopback; `token` identifies the client. */
export function doubleKubeConfig(port: number, token = "t"): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "double", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: "test", token }],
    contexts: [{ name: "double", cluster: "double", user: "test" }],
    currentContext: "double",
  });
  return kc;
}

export class ApiDouble {
  private server: Server | undefined;
  /** The kinds this API serves (as if their CRDs were installed): discovery lists them. */
  private readonly kinds: KindRef[];
  private rv = 1;
  private readonly objects = new Map<string, Map<string, StoredObject>>();
  private readonly watches = new WatchHub();
  /** Field ownership per object (`resource namespace/name`), for server-side apply. */
  private readonly owners = new Map<string, Ownership>();
  private failures: Array<{ match: (method: string, target: Target) => boolean; code: number }> = [];
  /** Every request, as `METHOD path` (for counting API calls). */
  readonly requests: string[] = [];
  /** The same, per client (its bearer token), to tell who wrote what. */
  readonly requestsBy = new Map<string, string[]>();
  /** TokenReviews (register tokens with `reviews.addToken`) and SubjectAccessReviews decided by stored RBAC. */
  readonly reviews = new AccessReviews(this);

  constructor(kinds: readonly KindRef[] = KNOWN_KINDS) {
    this.kinds = [...kinds];
  }

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
    return doubleKubeConfig((this.server!.address() as AddressInfo).port, token);
  }

  /** The next `count` requests matching method and resource fail with `code`. */
  failNext(method: string, resourceSuffix: string, code: number, count = 1): void {
    for (let i = 0; i < count; i++)
      this.failures.push({ match: (m, t) => m === method && t.resource.endsWith(resourceSuffix), code });
  }

  /** Ends every open watch, as an apiserver restart or a load balancer timeout would. */
  closeWatches(): void {
    this.watches.closeAll();
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
    const before = byKey.get(key);
    if (type === "DELETED") byKey.delete(key);
    else byKey.set(key, obj);
    this.watches.record(type, resource, obj, before, rv);
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
    this.owners.delete(`${resource} ${namespace ?? ""}/${name}`);
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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://double");
    const method = req.method ?? "GET";
    this.requests.push(`${method} ${url.pathname}`);
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    const mine = this.requestsBy.get(token) ?? [];
    mine.push(`${method} ${url.pathname}`);
    this.requestsBy.set(token, mine);
    const discovery = discoveryVersion(url.pathname);
    if (method === "GET" && discovery !== undefined) {
      this.discoveryResponse(discovery, res);
      return;
    }
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
    if (target.subresource === "scale") {
      await this.scaleResponse(method, target, url, req, res);
      return;
    }
    if (method === "GET" && !target.name) {
      url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1"
        ? this.watches.watch(target, url, res, this.rv)
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
    const manager = url.searchParams.get("fieldManager") ?? "unknown";
    if (method === "POST") {
      this.createResponse(target, (await readBody(req)) as StoredObject, res, manager);
      return;
    }
    if (method === "PUT") {
      this.updateResponse(target, (await readBody(req)) as StoredObject, res, manager);
      return;
    }
    const contentType = req.headers["content-type"] ?? "";
    if (method === "PATCH" && contentType.startsWith("application/apply-patch")) {
      this.applyResponse(
        target,
        (await readBody(req)) as StoredObject,
        res,
        manager,
        url.searchParams.get("force") === "true",
      );
      return;
    }
    if (method === "PATCH") {
      this.patchResponse(target, await readBody(req), contentType, res, manager);
      return;
    }
    if (method === "DELETE") {
      const deleted = this.delete(target.resource, target.namespace, target.name ?? "");
      deleted ? json(res, 200, deleted) : status(res, 404, "NotFound", `${target.name ?? ""} not found`);
      return;
    }
    status(res, 405, "MethodNotAllowed", method);
  }

  /** As the apiserver: an APIResourceList of the group version, 404 when nothing of it is served. */
  private discoveryResponse(groupVersion: string, res: ServerResponse): void {
    const kinds = this.kinds.filter((k) => apiVersionOf(k) === groupVersion);
    if (kinds.length === 0) {
      status(res, 404, "NotFound", `the server could not find the requested resource (${groupVersion})`);
      return;
    }
    json(res, 200, {
      kind: "APIResourceList",
      apiVersion: "v1",
      groupVersion,
      resources: kinds.map((k) => ({
        name: k.plural,
        singularName: k.kind.toLowerCase(),
        namespaced: k.namespaced,
        kind: k.kind,
        verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
      })),
    });
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

  private getResponse(target: Target, res: ServerResponse): void {
    const obj = this.get(target.resource, target.namespace, target.name ?? "");
    if (obj) json(res, 200, obj);
    else status(res, 404, "NotFound", `${target.resource} ${target.name ?? ""} not found`);
  }

  private ownersOf(resource: string, namespace: string | undefined, name: string): Ownership {
    const key = `${resource} ${namespace ?? ""}/${name}`;
    const owners = this.owners.get(key) ?? new Map<string, Set<string>>();
    this.owners.set(key, owners);
    return owners;
  }

  /** Server-side apply: creates the object, or merges the config and moves field ownership. */
  private applyResponse(
    target: Target,
    config: StoredObject,
    res: ServerResponse,
    manager: string,
    force: boolean,
  ): void {
    if (manager === "unknown") {
      status(res, 400, "BadRequest", "fieldManager is required for apply requests");
      return;
    }
    const name = target.name ?? "";
    const existing = this.get(target.resource, target.namespace, name);
    const owners = this.ownersOf(target.resource, target.namespace, name);
    if (!existing) {
      config.metadata.namespace ??= target.namespace;
      owners.set(manager, new Set(leafPaths(config as unknown as Json)));
      json(res, 201, this.create(target.resource, config));
      return;
    }
    const applied = serverSideApply(
      existing as unknown as { [k: string]: Json },
      config as unknown as { [k: string]: Json },
      manager,
      force,
      owners,
    );
    if (!applied.object) {
      const fields = applied.conflicts.map((c) => `.${c.path} (owned by ${c.manager})`).join(", ");
      status(res, 409, "Conflict", `Apply failed with ${applied.conflicts.length} conflicts: ${fields}`);
      return;
    }
    json(res, 200, this.replace(target, existing, applied.object as unknown as StoredObject));
  }

  private createResponse(target: Target, body: StoredObject, res: ServerResponse, manager: string): void {
    body.metadata.namespace ??= target.namespace;
    const generateName = body.metadata.generateName;
    if (!body.metadata.name && typeof generateName === "string")
      body.metadata.name = `${generateName}${randomUUID().slice(0, 5)}`;
    if (this.get(target.resource, body.metadata.namespace, body.metadata.name)) {
      status(res, 409, "AlreadyExists", `${target.resource} "${body.metadata.name}" already exists`);
      return;
    }
    const created = this.create(target.resource, body);
    recordWrite(
      undefined,
      created as unknown as { [k: string]: Json },
      manager,
      this.ownersOf(target.resource, created.metadata.namespace, created.metadata.name),
    );
    json(res, 201, created);
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

  private updateResponse(target: Target, body: StoredObject, res: ServerResponse, manager: string): void {
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
    json(res, 200, this.written(target, existing, this.replace(target, existing, body), manager));
  }

  /** The object after a write by `manager`, which now owns the fields it changed. */
  private written(target: Target, before: StoredObject, after: StoredObject, manager: string): StoredObject {
    if (target.subresource === undefined)
      recordWrite(
        before as unknown as Json,
        after as unknown as { [k: string]: Json },
        manager,
        this.ownersOf(target.resource, after.metadata.namespace, after.metadata.name),
      );
    return after;
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

  /** `<plural>/<name>/scale`: GET the Scale, PUT or PATCH it to set the object's replicas. */
  private async scaleResponse(
    method: string,
    target: Target,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const paths = scalePaths(target.resource);
    const existing = this.get(target.resource, target.namespace, target.name ?? "");
    if (!paths || !existing) {
      status(res, 404, "NotFound", `${target.resource} ${target.name ?? ""}/scale not found`);
      return;
    }
    const scale = scaleOf(existing, paths);
    if (method === "GET") {
      json(res, 200, scale);
      return;
    }
    const next = requestedScale(method, req.headers["content-type"] ?? "", scale, await readBody(req));
    if (typeof next === "string") {
      status(
        res,
        409,
        "Conflict",
        `Operation cannot be fulfilled on ${target.resource} "${existing.metadata.name}": ${next}`,
      );
      return;
    }
    const main = { ...target, subresource: undefined };
    const manager = url.searchParams.get("fieldManager") ?? "unknown";
    const after = this.written(main, existing, this.replace(main, existing, scaled(existing, next, paths)), manager);
    json(res, 200, scaleOf(after, paths));
  }

  private patchResponse(
    target: Target,
    patch: unknown,
    contentType: string,
    res: ServerResponse,
    manager: string,
  ): void {
    const existing = this.get(target.resource, target.namespace, target.name ?? "");
    if (!existing) {
      status(res, 404, "NotFound", `${target.name ?? ""} not found`);
      return;
    }
    const patched = contentType.includes("json-patch")
      ? fastJsonPatch.applyPatch(structuredClone(existing), patch as fastJsonPatch.Operation[], true, false).newDocument
      : mergePatch(structuredClone(existing), patch);
    json(res, 200, this.written(target, existing, this.replace(target, existing, patched as StoredObject), manager));
  }
}
