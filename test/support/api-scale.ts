// The scale subresource for the API double (autoscaling/v1 Scale), as the apiserver serves it:
// for apps/v1 Deployments, StatefulSets and ReplicaSets, and for every custom resource whose CRD in
// crds/ declares `subresources.scale` (specReplicasPath .spec.replicas, statusReplicasPath,
// labelSelectorPath), read from the CRDs themselves.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fastJsonPatch from "fast-json-patch";
import { parse } from "yaml";
import { REPO_ROOT } from "./fixtures.js";
import { mergePatch, type StoredObject } from "./api-http.js";

interface ScalePaths {
  spec: string;
  status: string;
  selector?: string;
}

interface CrdScale {
  spec: {
    group: string;
    names: { plural: string };
    versions: { name: string; subresources?: { scale?: Record<string, string> } }[];
  };
}

const APPS: ScalePaths = { spec: ".spec.replicas", status: ".status.replicas" };

function scalable(): Map<string, ScalePaths> {
  const paths = new Map<string, ScalePaths>(
    ["deployments", "statefulsets", "replicasets"].map((p) => [`apps/v1/${p}`, APPS]),
  );
  const dir = join(REPO_ROOT, "crds");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
    const crd = parse(readFileSync(join(dir, file), "utf8")) as CrdScale;
    for (const v of crd.spec.versions) {
      const s = v.subresources?.scale;
      if (!s?.specReplicasPath || !s.statusReplicasPath) continue;
      paths.set(`${crd.spec.group}/${v.name}/${crd.spec.names.plural}`, {
        spec: s.specReplicasPath,
        status: s.statusReplicasPath,
        ...(s.labelSelectorPath ? { selector: s.labelSelectorPath } : {}),
      });
    }
  }
  return paths;
}

const SCALABLE = scalable();

/** The paths of a resource's scale subresource, or undefined when it has none. */
export function scalePaths(resource: string): ScalePaths | undefined {
  return SCALABLE.get(resource);
}

function at(obj: unknown, path: string): unknown {
  return path
    .split(".")
    .filter(Boolean)
    .reduce<unknown>((cur, key) => (cur as Record<string, unknown> | undefined)?.[key], obj);
}

function setAt(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".").filter(Boolean);
  let cur = obj;
  for (const key of keys.slice(0, -1)) {
    if (typeof cur[key] !== "object" || cur[key] === null) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]!] = value;
}

/** The object's Scale: its replicas, those its status reports, and its pods' selector. */
export function scaleOf(obj: StoredObject, paths: ScalePaths): StoredObject {
  const selector = paths.selector ? at(obj, paths.selector) : undefined;
  return {
    apiVersion: "autoscaling/v1",
    kind: "Scale",
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: at(obj, paths.spec) ?? 0 },
    status: { replicas: at(obj, paths.status) ?? 0, ...(typeof selector === "string" ? { selector } : {}) },
  };
}

/** The object with the replicas a written Scale asks for. */
export function scaled(obj: StoredObject, scale: StoredObject, paths: ScalePaths): StoredObject {
  const next = structuredClone(obj);
  setAt(next, paths.spec, at(scale, ".spec.replicas"));
  return next;
}

/** The Scale a PUT (whole) or PATCH (merge or JSON patch) asks for; why not, when a PUT's resourceVersion is stale. */
export function requestedScale(
  method: string,
  contentType: string,
  current: StoredObject,
  body: unknown,
): StoredObject | string {
  if (method === "PUT") {
    const next = body as StoredObject;
    const rv = next.metadata.resourceVersion;
    return rv && rv !== current.metadata.resourceVersion ? "the object has been modified" : next;
  }
  if (contentType.includes("json-patch"))
    return fastJsonPatch.applyPatch(structuredClone(current), body as fastJsonPatch.Operation[], true, false)
      .newDocument;
  return mergePatch(structuredClone(current), body) as StoredObject;
}
