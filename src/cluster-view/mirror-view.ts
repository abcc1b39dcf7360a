import { gpuKindOf } from "../gpu/types.js";
import { isModelInfer, type ModelInfer } from "../modelinfer/types.js";
import type { ClusterView } from "./cluster-view.js";
import type { KubeObject } from "./object-store.js";
import { ClusterStores } from "./stores.js";

/** What admission reads of the view: the ModelInfers and the GPU and cache kinds, and whether it synced. */
export interface AdmissionSnapshot {
  synced: boolean;
  objects: KubeObject[];
}

function isAdmissionObject(obj: KubeObject): boolean {
  return isModelInfer(obj) || gpuKindOf(obj) !== undefined;
}

export function admissionSnapshot(view: ClusterView): AdmissionSnapshot {
  return {
    synced: view.hasSynced(),
    objects: [...view.stores.modelInfers.list(), ...Object.values(view.stores.gpu).flatMap((store) => store.list())],
  };
}

/**
 * A number that changes whenever what admission reads does (a ModelInfer or GPU kind changed, or
 * the view synced): a worker's copy is refreshed only then, not on every pod or node event.
 */
export function admissionVersion(view: ClusterView): { current(): string; stop(): void } {
  let changes = 0;
  const stop = view.stores.subscribe((obj) => {
    if (isAdmissionObject(obj)) changes++;
  });
  // The count catches a file reload that only removed objects (replaceAll notifies upserts only).
  const count = (): number =>
    view.stores.modelInfers.size + Object.values(view.stores.gpu).reduce((n, store) => n + store.size, 0);
  return { current: () => `${changes}/${count()}/${view.hasSynced()}`, stop };
}

/** A worker thread's read-only copy of what admission reads, loaded from snapshots. */
export class MirrorView implements ClusterView {
  readonly stores = new ClusterStores();
  private synced = false;

  load(snapshot: AdmissionSnapshot): void {
    this.stores.replaceAll(snapshot.objects);
    this.synced = snapshot.synced;
  }

  getModelInfer(namespace: string, name: string): ModelInfer | undefined {
    return this.stores.getModelInfer(namespace, name);
  }

  listModelInfers(): readonly ModelInfer[] {
    return this.stores.listModelInfers();
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
