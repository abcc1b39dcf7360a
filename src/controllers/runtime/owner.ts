import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import { apiVersionOf, type KindRef } from "../../kube/kind.js";
import type { KubeObject } from "../../kube/object.js";

/** The primary's controller owner reference, as the runtime requires on every child (one-element list). */
export function controllerRefs(primary: KubeObject, kind: KindRef): OwnerReference[] {
  return [
    {
      apiVersion: apiVersionOf(kind),
      kind: kind.kind,
      name: primary.metadata?.name ?? "",
      uid: primary.metadata?.uid ?? "",
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
}
