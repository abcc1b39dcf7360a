import type { Pod } from "kubernetes-types/core/v1.js";
import {
  INFERENCE_CACHE,
  InferenceCacheKind,
  PDD,
  PD_ROLE,
  PrefillDecodingDisaggregationKind,
  type PrefillDecodingDisaggregation,
  type PrefillDecodingDisaggregationStatus,
} from "../../apis/production-stack.js";
import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import { POD } from "../../kube/core-kinds.js";
import { isKind } from "../../kube/kind.js";
import type { KubeObject } from "../../kube/object.js";
import { condition } from "../runtime/conditions.js";
import { isRunningAndReady } from "../modelinfer/health.js";
import type { Reconciler } from "../runtime/reconciler.js";

/** The PDD a pod carries: its own annotation, else its InferenceCache's pddRef (as the mutating webhook reads it). */
export function pddOfPod(pod: Pod, view: ClusterReader): string | undefined {
  const annotations = pod.metadata?.annotations ?? {};
  const own = annotations[PDD];
  if (own) return own;
  const cache = annotations[INFERENCE_CACHE];
  return cache ? view.get(InferenceCacheKind, pod.metadata?.namespace ?? "", cache)?.spec.pddRef : undefined;
}

function readyMessage(
  pdd: PrefillDecodingDisaggregation,
  prefill?: string,
  decode?: string,
): [boolean, string, string] {
  const missing = [...(prefill ? [] : ["prefill"]), ...(decode ? [] : ["decode"])];
  if (missing.length === 0 && prefill && decode)
    return [true, "BothSidesReady", `prefill ${prefill} hands its KV cache to decode ${decode}`];
  const name = pdd.metadata.name ?? "";
  return [
    false,
    "SideMissing",
    `no Ready ${missing.join(" or ")} pod names ${name} (annotations ${PDD} and ${PD_ROLE})`,
  ];
}

/** prefillPod and decodeTargetPod (seed 001): the first Ready pod of each side, by name; Ready when both exist. Pure. */
export function pddStatus(
  pdd: PrefillDecodingDisaggregation,
  view: ClusterReader,
  now: string,
): PrefillDecodingDisaggregationStatus {
  const pods = view
    .list(POD, pdd.metadata.namespace ?? "")
    .filter((p) => pddOfPod(p, view) === pdd.metadata.name && isRunningAndReady(p))
    .sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
  const side = (role: string): string | undefined =>
    pods.find((p) => p.metadata?.annotations?.[PD_ROLE] === role)?.metadata?.name;
  const prefill = side("prefill");
  const decode = side("decode");
  const [ready, reason, message] = readyMessage(pdd, prefill, decode);
  const generation = pdd.metadata.generation;
  return {
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    ...(prefill ? { prefillPod: prefill } : {}),
    ...(decode ? { decodeTargetPod: decode } : {}),
    conditions: [condition("Ready", ready, reason, message, pdd.status?.conditions, now, generation)],
  };
}

function pddsConcerned(obj: KubeObject, view: ClusterReader): string[] {
  if (!isKind(obj, POD) && !isKind(obj, InferenceCacheKind)) return [];
  const ns = obj.metadata?.namespace ?? "";
  return view.list(PrefillDecodingDisaggregationKind, ns).map((p) => `${ns}/${p.metadata.name ?? ""}`);
}

/** PrefillDecodingDisaggregation: status only, from the pods that carry it. */
export const pddReconciler: Reconciler<PrefillDecodingDisaggregation, PrefillDecodingDisaggregationStatus> = {
  name: "pdd",
  kind: PrefillDecodingDisaggregationKind,
  owns: [],
  mapToPrimaries: pddsConcerned,
  desired: () => ({ children: [] }),
  status: (pdd, view, now) => pddStatus(pdd, view, now.toISOString()),
};
