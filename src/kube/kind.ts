import type { KubeObject } from "./object.js";

/**
 * A resource kind as the API serves it: `GET /apis/<group>/<version>/[namespaces/<ns>/]<plural>`.
 * `T` is the TypeScript type of its objects, so lookups by kind are typed. Every kind inferplane
 * reads or writes is defined once, next to its type (src/apis/, src/volcano/, src/kube/core-kinds.ts).
 */
export interface KindRef<T extends KubeObject = KubeObject> {
  /** API group; `""` for the core group (`/api/v1`). */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Lower-case plural resource name, as in the URL. */
  readonly plural: string;
  readonly namespaced: boolean;
  /** Never read: carries `T`. */
  readonly _type?: T;
}

export function defineKind<T extends KubeObject>(ref: Omit<KindRef<T>, "_type">): KindRef<T> {
  return ref;
}

/** `group/version`, or `version` for the core group. */
export function apiVersionOf(kind: KindRef): string {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}

/** `apiVersion/Kind`: one key per kind, as objects carry it. */
export function kindKey(kind: KindRef): string {
  return `${apiVersionOf(kind)}/${kind.kind}`;
}

/** The same key read off an object. */
export function objectKindKey(obj: KubeObject): string {
  return `${obj.apiVersion ?? ""}/${obj.kind ?? ""}`;
}

export function isKind<T extends KubeObject>(obj: KubeObject, kind: KindRef<T>): obj is T {
  return obj.kind === kind.kind && obj.apiVersion === apiVersionOf(kind);
}

/** The collection path of a kind: `/apis/apps/v1/namespaces/ns/deployments`, or across namespaces without one. */
export function collectionPath(kind: KindRef, namespace?: string): string {
  const base = kind.group ? `/apis/${kind.group}/${kind.version}` : `/api/${kind.version}`;
  return kind.namespaced && namespace ? `${base}/namespaces/${namespace}/${kind.plural}` : `${base}/${kind.plural}`;
}
