import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import type { KubeObject } from "./object.js";

/**
 * The owner reference a controller puts on what it creates: `controller: true` (the one object
 * that manages it; the runtime finds children by it) and `blockOwnerDeletion: true` (foreground
 * deletion of the owner waits for it), as client-go's `metav1.NewControllerRef` builds it.
 */
export function controllerReference(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? "",
    kind: owner.kind ?? "",
    name: owner.metadata?.name ?? "",
    uid: owner.metadata?.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}
