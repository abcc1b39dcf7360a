import { StoreView } from "../../src/cluster-view/store-view.js";
import type { KubeObject } from "../../src/kube/object.js";
import type { ModelInfer } from "../../src/apis/matrixinfer.js";
import type { AdmissionContext } from "../../webhooks/context.js";

/** A cluster view over objects given in code, for unit tests of the pure parts. */
export class StaticView extends StoreView {
  constructor(
    objects: readonly KubeObject[] = [],
    private readonly synced = true,
  ) {
    super();
    this.stores.replaceAll(objects);
  }

  /** Adds or replaces an object, as an informer event would. */
  upsert(obj: KubeObject): void {
    this.stores.upsert(obj);
  }

  remove(obj: KubeObject): void {
    this.stores.remove(obj);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}

export function staticView(objects: readonly KubeObject[], synced = true): StaticView {
  return new StaticView(objects, synced);
}

export function staticContext(modelInfers: ModelInfer[], synced = true): AdmissionContext {
  return {
    view: staticView(modelInfers, synced),
    policy: { excludedNamespaces: new Set(["kube-system", "inferplane-system"]) },
  };
}
