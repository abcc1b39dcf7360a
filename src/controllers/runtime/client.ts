import {
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
} from "@kubernetes/client-node";
import { statusCode } from "../../kube/api-errors.js";
import { eventFor } from "../../kube/api-event.js";
import type { KindRef } from "../../kube/kind.js";
import type { KubeObject } from "../../kube/object.js";
import type { EventNote } from "./reconciler.js";

/** Server-side apply's field manager: the owner of every field inferplane sets. */
export const FIELD_MANAGER = "inferplane";

/** What the runtime writes. An interface so controllers are tested through the real client against the API double. */
export interface ControllerClient {
  /** Server-side apply (creates the object, or updates the fields inferplane owns). */
  apply(obj: KubeObject): Promise<void>;
  /** Deletes; an object already gone is done. */
  delete(obj: KubeObject): Promise<void>;
  /** Replaces the status subresource of a custom resource (409 when the object changed meanwhile). */
  writeStatus(kind: KindRef, primary: KubeObject, status: unknown): Promise<void>;
  event(primary: KubeObject, note: EventNote, component: string): Promise<void>;
}

/** client-node's generic object API (server-side apply), custom objects for status, core for Events. */
export class ApiControllerClient implements ControllerClient {
  private readonly objects: KubernetesObjectApi;
  private readonly custom: CustomObjectsApi;
  private readonly core: CoreV1Api;

  constructor(kubeconfig: KubeConfig) {
    this.objects = KubernetesObjectApi.makeApiClient(kubeconfig);
    this.custom = kubeconfig.makeApiClient(CustomObjectsApi);
    this.core = kubeconfig.makeApiClient(CoreV1Api);
  }

  async apply(obj: KubeObject): Promise<void> {
    await this.objects.patch(
      obj as KubernetesObject,
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
  }

  async delete(obj: KubeObject): Promise<void> {
    try {
      await this.objects.delete(obj as KubernetesObject);
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
    }
  }

  async writeStatus(kind: KindRef, primary: KubeObject, status: unknown): Promise<void> {
    const name = primary.metadata?.name ?? "";
    const body = { ...primary, status };
    const path = { group: kind.group, version: kind.version, plural: kind.plural, name, body };
    if (kind.namespaced)
      await this.custom.replaceNamespacedCustomObjectStatus({ ...path, namespace: primary.metadata?.namespace ?? "" });
    else await this.custom.replaceClusterCustomObjectStatus(path);
  }

  async event(primary: KubeObject, note: EventNote, component: string): Promise<void> {
    const namespace = primary.metadata?.namespace || "default";
    const involved = {
      apiVersion: primary.apiVersion,
      kind: primary.kind,
      name: primary.metadata?.name ?? "",
      namespace,
      uid: primary.metadata?.uid,
    };
    await this.core.createNamespacedEvent({
      namespace,
      body: eventFor(involved, note.type, note.reason, note.message, component),
    });
  }
}
