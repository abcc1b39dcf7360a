import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import { LABEL_INFERENCE_SERVICE, type InferenceService } from "../../apis/inference-ai.js";
import { controllerReference } from "../../kube/owner.js";

/** A child's metadata: the InferenceService's name and namespace, its label, its owner reference. */
export function childMetadata(svc: InferenceService): ObjectMeta {
  return {
    name: svc.metadata.name ?? "",
    namespace: svc.metadata.namespace ?? "default",
    labels: { [LABEL_INFERENCE_SERVICE]: svc.metadata.name ?? "" },
    ownerReferences: [controllerReference(svc)],
  };
}
