import type { ObjectMeta, OwnerReference } from "kubernetes-types/meta/v1.js";
import { LABEL_INFERENCE_SERVICE, type InferenceService } from "../../apis/inference-ai.js";

/** The controller owner reference every child carries (the runtime deletes and requeues by it). */
export function ownerReference(svc: InferenceService): OwnerReference {
  return {
    apiVersion: svc.apiVersion,
    kind: svc.kind,
    name: svc.metadata.name ?? "",
    uid: svc.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** A child's metadata: the InferenceService's name and namespace, its label, its owner reference. */
export function childMetadata(svc: InferenceService): ObjectMeta {
  return {
    name: svc.metadata.name ?? "",
    namespace: svc.metadata.namespace ?? "default",
    labels: { [LABEL_INFERENCE_SERVICE]: svc.metadata.name ?? "" },
    ownerReferences: [ownerReference(svc)],
  };
}
