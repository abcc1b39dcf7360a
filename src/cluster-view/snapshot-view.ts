import type { KubeObject } from "../kube/object.js";
import { StoreView } from "./store-view.js";

/**
 * A view of a fixed set of objects, synced from the start: what `inferplane render` reads (the
 * manifests directory and the file given), and what unit tests build in code. `upsert`/`remove`
 * change it as an informer event would.
 */
export class SnapshotView extends StoreView {
  constructor(
    objects: readonly KubeObject[] = [],
    private readonly synced = true,
  ) {
    super();
    this.stores.replaceAll(objects);
  }

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
