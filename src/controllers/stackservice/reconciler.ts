import {
  InferenceCacheKind,
  InferenceGatewayKind,
  PrefillDecodingDisaggregationKind,
  SpeculativeDecodingKind,
  StackInferenceServiceKind,
  type StackInferenceService,
  type StackInferenceServiceStatus,
} from "../../apis/production-stack.js";
import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import { POD, SERVICE } from "../../kube/core-kinds.js";
import { isKind, type KindRef } from "../../kube/kind.js";
import type { KubeObject } from "../../kube/object.js";
import { condition } from "../runtime/conditions.js";
import type { Reconciler } from "../runtime/reconciler.js";
import { refVerdicts } from "../inferencecache/status.js";
import { resolveBackend, type ResolvedBackend } from "./backend.js";
import { promptGuardVerdict, semanticCacheVerdict, type Verdict } from "../../routing/nlp-filters.js";

/** The router-target gateways of the namespace whose routes name this service. */
function gatewaysOf(svc: StackInferenceService, view: ClusterReader): { names: string[]; byRouter: boolean } {
  const ns = svc.metadata.namespace ?? "";
  const gateways = view
    .list(InferenceGatewayKind, ns)
    .filter((g) => (g.spec.routes ?? []).some((r) => r.inferenceServiceRef === svc.metadata.name));
  return {
    names: gateways.map((g) => g.metadata.name ?? ""),
    byRouter: gateways.some((g) => (g.spec.target ?? "router") === "router"),
  };
}

function backendVerdict(backend: ResolvedBackend): Verdict {
  if (backend.problem) return ["False", backend.service ? "NoReadyEndpoints" : "BackendNotFound", backend.problem];
  return ["True", "Ready", `${backend.readyPods.length} Ready pods behind ${backend.url ?? ""}`];
}

function nlpVerdicts(svc: StackInferenceService, byRouter: boolean): [string, Verdict][] {
  const verdicts: [string, Verdict][] = [];
  if (svc.spec.nlpFilters?.semanticCache)
    verdicts.push([
      "SemanticCache",
      byRouter
        ? (semanticCacheVerdict([svc], true) ?? ["Unknown", "", ""])
        : [
            "False",
            "NotRoutedByRouter",
            "no router-target InferenceGateway routes to this service, so no semantic cache answers for it",
          ],
    ]);
  const guard = promptGuardVerdict([svc]);
  if (guard) verdicts.push(["PromptGuardEnforced", guard]);
  return verdicts;
}

function refsOf(svc: StackInferenceService, view: ClusterReader): [string, Verdict][] {
  const ns = svc.metadata.namespace ?? "";
  const cacheName = svc.spec.inferenceCacheRef;
  const cache = cacheName ? view.get(InferenceCacheKind, ns, cacheName) : undefined;
  return refVerdicts(
    ns,
    [
      ["CacheResolved", cacheName, InferenceCacheKind],
      ["PDDResolved", svc.spec.prefillDecodingRef?.name ?? cache?.spec.pddRef, PrefillDecodingDisaggregationKind],
      ["SDResolved", cache?.spec.sdRef, SpeculativeDecodingKind],
    ],
    view,
  );
}

/**
 * The production-stack InferenceService's status (seeds 001, 003): its backend Service, URL and
 * Ready pods; whether its InferenceCache, PDD and SD exist; whether a real component honours its
 * nlpFilters; Ready when the backend has Ready pods and every reference resolves. Pure.
 */
export function stackServiceStatus(
  svc: StackInferenceService,
  view: ClusterReader,
  now: string,
): StackInferenceServiceStatus {
  const backend = resolveBackend(svc, view);
  const gateways = gatewaysOf(svc, view);
  const required: [string, Verdict][] = [["BackendReady", backendVerdict(backend)], ...refsOf(svc, view)];
  const failing = required.filter(([, [s]]) => s !== "True").map(([, v]) => v[2]);
  const ready = failing.length === 0;
  const previous = svc.status?.conditions;
  const generation = svc.metadata.generation;
  const conditions = [...required, ...nlpVerdicts(svc, gateways.byRouter)].map(([type, [s, reason, message]]) =>
    condition(type, s, reason, message, previous, now, generation),
  );
  const readyText = ready ? "backend ready, references resolved" : failing.join("; ");
  return {
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    ...(backend.url ? { url: backend.url } : {}),
    readyEndpoints: backend.readyPods.length,
    gateways: gateways.names,
    conditions: [
      ...conditions,
      condition("Ready", ready, ready ? "Ready" : "NotReady", readyText, previous, now, generation),
    ],
  };
}

/** Service, Pod, cache, PDD, SD and gateway changes concern the InferenceServices of their namespace. */
function servicesConcerned(obj: KubeObject, view: ClusterReader): string[] {
  const kinds: readonly KindRef[] = [
    SERVICE,
    POD,
    InferenceCacheKind,
    PrefillDecodingDisaggregationKind,
    SpeculativeDecodingKind,
    InferenceGatewayKind,
  ];
  if (!kinds.some((k) => isKind(obj, k))) return [];
  const ns = obj.metadata?.namespace ?? "";
  return view.list(StackInferenceServiceKind, ns).map((s) => `${ns}/${s.metadata.name ?? ""}`);
}

/** production-stack InferenceService: status only (the router or gateway that serves it is an InferenceGateway's). */
export const stackServiceReconciler: Reconciler<StackInferenceService, StackInferenceServiceStatus> = {
  name: "stack-inferenceservice",
  kind: StackInferenceServiceKind,
  owns: [],
  mapToPrimaries: servicesConcerned,
  desired: () => ({ children: [] }),
  status: (svc, view, now) => stackServiceStatus(svc, view, now.toISOString()),
};
