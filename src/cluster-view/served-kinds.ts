import {
  CONFIG_MAP,
  DEPLOYMENT,
  HORIZONTAL_POD_AUTOSCALER,
  NODE,
  POD,
  ROLE,
  ROLE_BINDING,
  SERVICE,
  SERVICE_ACCOUNT,
  STATEFUL_SET,
} from "../kube/core-kinds.js";
import { ScaledObjectKind } from "../keda/scaled-object.js";
import { kindKey, objectKindKey, type KindRef } from "../kube/kind.js";
import type { KubeObject } from "../kube/object.js";
import { LABEL_ROLE, ModelInferKind } from "../apis/matrixinfer.js";
import { GPUPoolKind, InferenceServiceKind, LABEL_MANAGED, TokenCacheKind } from "../apis/inference-ai.js";
import {
  InferenceCacheKind,
  InferenceGatewayKind,
  PrefillDecodingDisaggregationKind,
  StaticRouteKind,
  SpeculativeDecodingKind,
  StackInferenceServiceKind,
} from "../apis/production-stack.js";
import { HyperNodeKind } from "../volcano/hypernode.js";
import { CoschedulingPodGroupKind, VolcanoPodGroupKind } from "../volcano/podgroup.js";
import { LABEL_MANAGED_BY } from "../kube/well-known.js";
import { GatewayKind } from "../gateway-api/gateway.js";
import { HTTPRouteKind } from "../gateway-api/http-route.js";
import { InferencePoolKind } from "../gateway-api/inference-pool.js";

/** What the view watches of one kind. */
export interface ServedKind {
  kind: KindRef;
  /** A CRD that may not be installed (Volcano, scheduler-plugins): absent counts as empty and synced. */
  optional: boolean;
  /**
   * Only these objects of the kind (the ones inferplane made), so the cache stays small. A kind may
   * be listed twice with two selectors (label selectors cannot say "or"): each is its own informer,
   * and the view holds an object while either selects it (ClusterStores `source`).
   */
  labelSelector?: string;
}

/** Children of inferplane's controllers carry this label, so informers of their kinds watch only them. */
export const MANAGED_BY_INFERPLANE = `${LABEL_MANAGED_BY}=inferplane`;

/**
 * Role StatefulSets, the ones the webhooks enhance (DESIGN §4: labelled inference.ai/managed=true and
 * with a ModelInfer role): their pods' GROUP_SIZE, ENTRY_ADDRESS and WORKER_INDEX come from the live
 * object. A label-selected watch also tells when an object stops matching (the apiserver sends it
 * as DELETED), so the cache holds exactly these (and the TokenCache's Redis StatefulSets, by their
 * own selector).
 */
export const OPTED_IN_ROLE_STATEFULSETS = `${LABEL_MANAGED}=true,${LABEL_ROLE}`;

/**
 * Every kind the cluster view serves: one list, read by both backends (files and informers) and
 * by the RBAC test of the chart. A controller that owns a new kind adds it here.
 */
export const SERVED_KINDS: readonly ServedKind[] = [
  { kind: ModelInferKind, optional: false },
  { kind: NODE, optional: false },
  { kind: POD, optional: false },
  // Every Service: InferenceServices (production-stack) and StaticRoutes name backends and routers by Service.
  { kind: SERVICE, optional: false },
  // TokenCache's Redis servers (its redis.conf is a ConfigMap, below).
  { kind: STATEFUL_SET, optional: false, labelSelector: MANAGED_BY_INFERPLANE },
  // Role StatefulSets (DESIGN §4), a second informer of the kind with its own selector.
  { kind: STATEFUL_SET, optional: false, labelSelector: OPTED_IN_ROLE_STATEFULSETS },
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
  // What the InferenceService controller makes (issue 14): only its own, by the managed-by label.
  { kind: DEPLOYMENT, optional: false, labelSelector: MANAGED_BY_INFERPLANE },
  { kind: HORIZONTAL_POD_AUTOSCALER, optional: false, labelSelector: MANAGED_BY_INFERPLANE },
  { kind: ScaledObjectKind, optional: true, labelSelector: MANAGED_BY_INFERPLANE },
  { kind: InferenceGatewayKind, optional: true },
  { kind: StaticRouteKind, optional: true },
  // What the InferenceGateway and StaticRoute controllers make (issue 16; Deployments above); GPUPool's
  // device-plugin and mig-parted ConfigMaps and TokenCache's redis.conf are ConfigMaps too.
  { kind: CONFIG_MAP, optional: false, labelSelector: MANAGED_BY_INFERPLANE },
  { kind: SERVICE_ACCOUNT, optional: false, labelSelector: MANAGED_BY_INFERPLANE },
  { kind: ROLE, optional: false, labelSelector: MANAGED_BY_INFERPLANE },
  { kind: ROLE_BINDING, optional: false, labelSelector: MANAGED_BY_INFERPLANE },
  { kind: InferencePoolKind, optional: true, labelSelector: MANAGED_BY_INFERPLANE },
  { kind: HTTPRouteKind, optional: true, labelSelector: MANAGED_BY_INFERPLANE },
  // The Gateways an InferenceGateway attaches to: their address is its status.address.
  { kind: GatewayKind, optional: true },
];

const BY_KEY = new Map(SERVED_KINDS.map((s) => [kindKey(s.kind), s.kind]));

/** The served kind of an object (by its apiVersion and kind), or undefined when the view does not serve it. */
export function servedKindOf(obj: KubeObject): KindRef | undefined {
  return BY_KEY.get(objectKindKey(obj));
}
