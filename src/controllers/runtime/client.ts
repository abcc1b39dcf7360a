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
import { apiVersionOf, type KindRef } from "../../kube/kind.js";
import type { KubeObject } from "../../kube/object.js";
import type { EventNote, LabelPatch } from "./reconciler.js";

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
  /** Merges labels into an existing object (JSON merge patch: never creates it; `null` removes); gone is done. */
  patchLabels(patch: LabelPatch): Promise<void>;
  /** Whether an object exists (GET; 404 is false, other errors throw). Nothing is listed or watched. */
  exists(kind: KindRef, namespace: string, name: string): Promise<boolean>;
}

/** client-node's generic object API (server-side apply), custom objects for status, core for Events. */
export class ApiControllerClient implements ControllerClient {
  private readonly objects: KubernetesObjectApi;
  private readonly custom: CustomObjectsApi;
  private readonly core: CoreV1Api;
  /** One discovery request per kind, however many writes start at once (client-node caches the answer). */
  private readonly discovered = new Map<string, Promise<unknown>>();

  constructor(kubeconfig: KubeConfig) {
    this.objects = KubernetesObjectApi.makeApiClient(kubeconfig);
    this.custom = kubeconfig.makeApiClient(CustomObjectsApi);
    this.core = kubeconfig.makeApiClient(CoreV1Api);
  }

  /**
   * Runs `write`; the first write of a kind runs alone and the others wait for it, so client-node's
   * discovery of the kind (cached after) is asked once, not once per concurrent write.
   */
  private async once(obj: KubeObject, write: () => Promise<unknown>): Promise<void> {
    const key = `${obj.apiVersion ?? ""}/${obj.kind ?? ""}`;
    const first = this.discovered.get(key);
    if (first) {
      await first.catch(() => undefined);
      await write();
      return;
    }
    const running = write();
    this.discovered.set(key, running);
    await running;
  }

  async apply(obj: KubeObject): Promise<void> {
    await this.once(obj, () =>
      this.objects.patch(
        obj as KubernetesObject,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      ),
    );
  }

  async delete(obj: KubeObject): Promise<void> {
    try {
      await this.once(obj, () => this.objects.delete(obj as KubernetesObject));
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

  async exists(kind: KindRef, namespace: string, name: string): Promise<boolean> {
    const metadata = kind.namespaced ? { name, namespace } : { name };
    try {
      await this.objects.read({ apiVersion: apiVersionOf(kind), kind: kind.kind, metadata });
      return true;
    } catch (err) {
      if (statusCode(err) === 404) return false;
      throw err;
    }
  }

  async event(primary: KubeObject, note: EventNote, component: string): Promise<void> {
    // A cluster-scoped object's Events live in `default` and name no namespace, as the kubelet's Node Events do.
    const namespace = primary.metadata?.namespace || "default";
    const involved = {
      apiVersion: primary.apiVersion,
      kind: primary.kind,
      name: primary.metadata?.name ?? "",
      namespace,
      uid: primary.metadata?.uid,
    };
    const body = eventFor(involved, note.type, note.reason, note.message, component);
    if (!primary.metadata?.namespace) body.involvedObject = { ...body.involvedObject, namespace: undefined };
    await this.core.createNamespacedEvent({ namespace, body });
  }

  async patchLabels(patch: LabelPatch): Promise<void> {
    const metadata = {
      name: patch.name,
      labels: patch.labels,
      ...(patch.namespace ? { namespace: patch.namespace } : {}),
    };
    const body = { apiVersion: apiVersionOf(patch.kind), kind: patch.kind.kind, metadata };
    try {
      await this.once({ apiVersion: body.apiVersion, kind: body.kind }, () =>
        this.objects.patch(
          body as KubernetesObject,
          undefined,
          undefined,
          FIELD_MANAGER,
          undefined,
          PatchStrategy.MergePatch,
        ),
      );
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
    }
  }
}
