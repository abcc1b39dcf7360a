import { isModelInfer, type ModelInfer } from "../modelinfer/types.js";
import { ObjectStore, type KubeObject } from "./object-store.js";

/**
 * The stores of every kind the view serves, and the lookups over them. Both backends
 * (files, informers) fill these, so the webhooks see one behaviour.
 */
export class ClusterStores {
  readonly modelInfers = new ObjectStore<ModelInfer>();

  /** Replaces every store's content with the objects of its kind; other kinds are ignored. */
  replaceAll(objects: readonly KubeObject[]): void {
    this.modelInfers.replaceAll(objects.filter(isModelInfer));
  }

  getModelInfer(namespace: string, name: string): ModelInfer | undefined {
    return this.modelInfers.get(namespace, name);
  }

  listModelInfers(): readonly ModelInfer[] {
    return this.modelInfers.list();
  }
}
