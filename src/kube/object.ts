import type { ObjectMeta } from "kubernetes-types/meta/v1.js";

/** The shape every Kubernetes object shares; the cluster view, the runtime and the CLI handle objects as this. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** `namespace/name` (`/name` for cluster-scoped objects): the key of an object within its kind. */
export function objectKey(obj: KubeObject): string {
  return `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;
}

/** The uid of the object's controller (the owner reference with `controller: true`), if any. */
export function controllerUid(obj: KubeObject): string | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller)?.uid;
}
