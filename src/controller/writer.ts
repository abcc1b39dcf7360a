import { CoreV1Api, CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import type { Pod, Service } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "../cluster-view/object-store.js";
import { MODELINFER_GROUP, MODELINFER_PLURAL, MODELINFER_VERSION, type ModelInfer } from "../modelinfer/types.js";
import type { ModelInferStatus } from "./status.js";
import { statusCode } from "../kube/api-errors.js";
import { eventFor } from "../kube/api-event.js";

/** The controller's writes. An interface so reconcile logic is tested against the API double through the real client. */
export interface ClusterWriter {
  create(obj: KubeObject): Promise<void>;
  delete(obj: KubeObject): Promise<void>;
  writeStatus(mi: ModelInfer, status: ModelInferStatus): Promise<void>;
  /** A Kubernetes Event on the ModelInfer, where `kubectl describe` shows it. */
  event(mi: ModelInfer, type: "Normal" | "Warning", reason: string, message: string): Promise<void>;
}

/** group, version and plural of a custom resource kind (PodGroup → podgroups). */
function customPath(obj: KubeObject): { group: string; version: string; plural: string } {
  const [group = "", version = ""] = (obj.apiVersion ?? "").split("/");
  return { group, version, plural: `${(obj.kind ?? "").toLowerCase()}s` };
}

/** client-node typed APIs; a create that finds the object (409) or a delete that misses it (404) is done already. */
export class ApiWriter implements ClusterWriter {
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;

  constructor(kubeconfig: KubeConfig) {
    this.core = kubeconfig.makeApiClient(CoreV1Api);
    this.custom = kubeconfig.makeApiClient(CustomObjectsApi);
  }

  async create(obj: KubeObject): Promise<void> {
    const namespace = obj.metadata?.namespace ?? "default";
    try {
      if (obj.kind === "Pod") await this.core.createNamespacedPod({ namespace, body: obj as Pod as never });
      else if (obj.kind === "Service")
        await this.core.createNamespacedService({ namespace, body: obj as Service as never });
      else await this.custom.createNamespacedCustomObject({ ...customPath(obj), namespace, body: obj });
    } catch (err) {
      if (statusCode(err) !== 409) throw err;
    }
  }

  async delete(obj: KubeObject): Promise<void> {
    const namespace = obj.metadata?.namespace ?? "default";
    const name = obj.metadata?.name ?? "";
    try {
      if (obj.kind === "Pod") await this.core.deleteNamespacedPod({ name, namespace });
      else if (obj.kind === "Service") await this.core.deleteNamespacedService({ name, namespace });
      else await this.custom.deleteNamespacedCustomObject({ ...customPath(obj), namespace, name });
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
    }
  }

  async event(mi: ModelInfer, type: "Normal" | "Warning", reason: string, message: string): Promise<void> {
    const namespace = mi.metadata.namespace ?? "default";
    const involved = {
      apiVersion: mi.apiVersion,
      kind: mi.kind,
      name: mi.metadata.name ?? "",
      namespace,
      uid: mi.metadata.uid,
    };
    await this.core.createNamespacedEvent({
      namespace,
      body: eventFor(involved, type, reason, message, "inferplane-controller"),
    });
  }

  async writeStatus(mi: ModelInfer, status: ModelInferStatus): Promise<void> {
    await this.custom.replaceNamespacedCustomObjectStatus({
      group: MODELINFER_GROUP,
      version: MODELINFER_VERSION,
      plural: MODELINFER_PLURAL,
      namespace: mi.metadata.namespace ?? "default",
      name: mi.metadata.name ?? "",
      body: { ...mi, status },
    });
  }
}
