import { NODE, POD, SERVICE } from "../kube/core-kinds.js";
import type { KindRef } from "../kube/kind.js";
import { ModelInferKind } from "../apis/matrixinfer.js";
import { GPUPoolKind, InferenceServiceKind, TokenCacheKind } from "../apis/inference-ai.js";
import {
  InferenceCacheKind,
  PrefillDecodingDisaggregationKind,
  SpeculativeDecodingKind,
  StackInferenceServiceKind,
} from "../apis/production-stack.js";
import { HyperNodeKind } from "../volcano/hypernode.js";
import { CoschedulingPodGroupKind, VolcanoPodGroupKind } from "../volcano/podgroup.js";
import { LABEL_MANAGED_BY } from "../kube/well-known.js";

/** What the view watches of one kind. */
export interface ServedKind {
  kind: KindRef;
  /** A CRD that may not be installed (Volcano, scheduler-plugins): absent counts as empty and synced. */
  optional: boolean;
  /** Only these objects of the kind (the ones inferplane made), so the cache stays small. */
  labelSelector?: string;
}

/** Children of inferplane's controllers carry this label, so informers of their kinds watch only them. */
export const MANAGED_BY_INFERPLANE = `${LABEL_MANAGED_BY}=inferplane`;

/**
 * Every kind the cluster view serves: one list, read by both backends (files and informers) and
 * by the RBAC test of the chart. A controller that owns a new kind adds it here.
 */
export const SERVED_KINDS: readonly ServedKind[] = [
  { kind: ModelInferKind, optional: false },
  { kind: NODE, optional: false },
  { kind: POD, optional: false },
  { kind: SERVICE, optional: false, labelSelector: MANAGED_BY_INFERPLANE },
  { kind: HyperNodeKind, optional: true },
  { kind: VolcanoPodGroupKind, optional: true },
  { kind: CoschedulingPodGroupKind, optional: true },
  { kind: GPUPoolKind, optional: true },
  { kind: TokenCacheKind, optional: true },
  { kind: InferenceServiceKind, optional: true },
  { kind: StackInferenceServiceKind, optional: true },
  { kind: InferenceCacheKind, optional: true },
  { kind: SpeculativeDecodingKind, optional: true },
  { kind: PrefillDecodingDisaggregationKind, optional: true },
];
