import { GPUPoolKind, InferenceServiceKind, TokenCacheKind } from "../apis/inference-ai.js";
import { ModelInferKind } from "../apis/matrixinfer.js";
import {
  InferenceCacheKind,
  PrefillDecodingDisaggregationKind,
  SpeculativeDecodingKind,
  StackInferenceServiceKind,
} from "../apis/production-stack.js";
import { isKind, type KindRef } from "../kube/kind.js";
import type { KubeObject } from "../kube/object.js";
import type { ClusterView } from "./cluster-view.js";
import { StoreView } from "./store-view.js";

/**
 * The kinds admission reads (webhooks/): a pod names its ModelInfer, GPUPool, caches and PD
 * configuration; it never reads nodes or other pods. A worker answering admission needs these only.
 */
export const ADMISSION_KINDS: readonly KindRef[] = [
  ModelInferKind,
  GPUPoolKind,
  TokenCacheKind,
  InferenceServiceKind,
  StackInferenceServiceKind,
  InferenceCacheKind,
  SpeculativeDecodingKind,
  PrefillDecodingDisaggregationKind,
];

/** What admission reads of the view, and whether it synced. */
export interface AdmissionSnapshot {
  synced: boolean;
  objects: KubeObject[];
}

export function admissionSnapshot(view: ClusterView): AdmissionSnapshot {
  return { synced: view.hasSynced(), objects: ADMISSION_KINDS.flatMap((kind) => view.list(kind)) };
}

/**
 * A value that changes whenever what admission reads does (an admission kind changed, or the
 * view synced): a worker's copy is refreshed only then, not on every pod or node event. The count
 * catches a file reload that only removed objects.
 */
export function admissionVersion(view: ClusterView): { current(): string; stop(): void } {
  let changes = 0;
  const stop = view.subscribe((obj) => {
    if (ADMISSION_KINDS.some((kind) => isKind(obj, kind))) changes++;
  });
  const count = (): number => ADMISSION_KINDS.reduce((n, kind) => n + view.list(kind).length, 0);
  return { current: () => `${changes}/${count()}/${view.hasSynced()}`, stop };
}

/** A worker thread's read-only copy of what admission reads, loaded from snapshots. */
export class MirrorView extends StoreView {
  private synced = false;

  load(snapshot: AdmissionSnapshot): void {
    this.stores.replaceAll(snapshot.objects);
    this.synced = snapshot.synced;
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
