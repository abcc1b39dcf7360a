import { cloneJson } from "../../src/kube/clone.js";
import type { StatefulSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { ClusterReader } from "../../src/cluster-view/cluster-view.js";
import { parseIndexSuffix } from "../../src/modelinfer/naming.js";
import { STATEFUL_SET } from "../../src/kube/core-kinds.js";
import { LABEL_POD_INDEX } from "../../src/kube/well-known.js";
import { parseOrdinal } from "../../src/kube/validation.js";
import { LABEL_MANAGED } from "../../src/apis/inference-ai.js";
import { ENV_ENTRY_ADDRESS, ENV_GROUP_SIZE, ENV_WORKER_INDEX, LABEL_ROLE } from "../../src/apis/matrixinfer.js";
import { DenialCode, formatFieldError, type FieldError } from "../field-errors.js";
import { setEnvEverywhere } from "./env.js";
import { failure, failures, success, type Outcome } from "./result.js";
import { resolveStatefulSetGroup } from "./statefulset.js";

/** The StatefulSet that controls a pod (its controller owner reference of kind apps/v1 StatefulSet), if any. */
export function owningStatefulSet(pod: Pod): { name: string; uid: string; index: number } | undefined {
  const refs = pod.metadata?.ownerReferences ?? [];
  const index = refs.findIndex((o) => o.controller && o.kind === "StatefulSet" && o.apiVersion === "apps/v1");
  const ref = refs[index];
  return ref ? { name: ref.name, uid: ref.uid, index } : undefined;
}

/** A pod of a StatefulSet: its ordinal from the pod-index label (Kubernetes ≥ 1.28) or its name `<sts>-<ordinal>`. */
export function statefulSetPodOrdinal(pod: Pod, statefulSet: string): number | undefined {
  const fromLabel = pod.metadata?.labels?.[LABEL_POD_INDEX];
  if (fromLabel !== undefined) return parseOrdinal(fromLabel);
  return parseIndexSuffix(pod.metadata?.name ?? "", statefulSet);
}

/** The live StatefulSet of the pod from the (synced) view: absent (not yet seen, or not opted in) is a retry, 503. */
function liveStatefulSet(pod: Pod, namespace: string, view: ClusterReader): Outcome<StatefulSet> {
  const owner = owningStatefulSet(pod);
  const sts = owner && view.get(STATEFUL_SET, namespace, owner.name);
  if (owner && sts && (!sts.metadata?.uid || sts.metadata.uid === owner.uid)) return success(sts);
  return failure(DenialCode.Unavailable, {
    path: `metadata.ownerReferences[${owner?.index ?? 0}]`,
    detail: `StatefulSet ${namespace}/${owner?.name ?? ""} is not in inferplane's cluster view`,
    fix: `retry shortly; it is watched once labelled ${LABEL_MANAGED}=true and ${LABEL_ROLE}`,
  });
}

/** An error of the StatefulSet, reported on the pod at its owner reference (403: the cluster's StatefulSet cannot make it). */
function ofStatefulSet(pod: Pod, namespace: string, errors: readonly FieldError[]): FieldError[] {
  const owner = owningStatefulSet(pod);
  return errors.map((e) => ({
    path: `metadata.ownerReferences[${owner?.index ?? 0}]`,
    detail: `StatefulSet ${namespace}/${owner?.name ?? ""}: ${formatFieldError({ ...e, fix: "" })}`,
    fix: e.fix,
  }));
}

/**
 * GROUP_SIZE, ENTRY_ADDRESS and WORKER_INDEX of a role StatefulSet's pod, from the live StatefulSet
 * in the cluster view, whatever its template holds (a template never enhanced, or one enhanced
 * before `kubectl scale`): WORKER_INDEX = ordinal − `spec.ordinals.start`. Pure over the view.
 */
export function enhanceStatefulSetPod(pod: Pod, namespace: string, view: ClusterReader): Outcome<Pod> {
  const live = liveStatefulSet(pod, namespace, view);
  if (!live.ok) return live;
  const sts = live.value;
  const name = sts.metadata?.name ?? "";
  const group = resolveStatefulSetGroup(sts, namespace);
  if (!group.ok) return failures(DenialCode.Forbidden, ofStatefulSet(pod, namespace, group.errors));
  const ordinal = statefulSetPodOrdinal(pod, name);
  if (ordinal === undefined)
    return failure(DenialCode.Invalid, {
      path: "metadata.name",
      detail: `no StatefulSet ordinal (label ${LABEL_POD_INDEX}, or a name ${name}-<n>)`,
      fix: "create it through its StatefulSet",
    });
  const { start, size, entryAddress } = group.value;
  if (ordinal < start)
    return failure(DenialCode.Forbidden, {
      path: "metadata.name",
      detail: `ordinal ${ordinal} is below spec.ordinals.start ${start} of StatefulSet ${namespace}/${name}`,
      fix: "let the StatefulSet controller create its pods",
    });
  const out = cloneJson(pod);
  // Replacing the template's values is the point (they may be stale or absent), so it is not warned about.
  setEnvEverywhere(out.spec ?? { containers: [] }, [
    [ENV_GROUP_SIZE, { value: String(size) }],
    [ENV_ENTRY_ADDRESS, { value: entryAddress }],
    [ENV_WORKER_INDEX, { value: String(ordinal - start) }],
  ]);
  return success(out);
}
