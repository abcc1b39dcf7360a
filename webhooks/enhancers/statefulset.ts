import { DenialCode } from "../field-errors.js";
import type { StatefulSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { parseIndexSuffix, statefulSetEntryAddress } from "../../src/modelinfer/naming.js";
import { setEnvEverywhere } from "./env.js";
import { describePod } from "./modelinfer-place.js";
import { setLabels } from "./metadata.js";
import { failure, success, type Outcome } from "./result.js";
import { LABEL_MANAGED } from "../../src/apis/inference-ai.js";
import { ENV_ENTRY_ADDRESS, ENV_GROUP_SIZE, ENV_WORKER_INDEX, LABEL_ROLE } from "../../src/apis/matrixinfer.js";
import { LABEL_POD_INDEX } from "../../src/kube/well-known.js";

/** A StatefulSet labelled with a ModelInfer role is one role instance (DESIGN §4). */
export function isRoleStatefulSet(sts: StatefulSet): boolean {
  return Boolean(sts.metadata?.labels?.[LABEL_ROLE]);
}

export interface StatefulSetGroup {
  size: number;
  entryAddress: string;
}

/** GROUP_SIZE and ENTRY_ADDRESS of a role StatefulSet, or why they cannot be known. */
export function resolveStatefulSetGroup(sts: StatefulSet, namespace: string): Outcome<StatefulSetGroup> {
  const name = sts.metadata?.name ?? "";
  const serviceName = sts.spec?.serviceName ?? "";
  if (!serviceName) {
    return failure(
      DenialCode.Invalid,
      `StatefulSet ${namespace}/${name}: spec.serviceName is empty; set it to a headless Service so ENTRY_ADDRESS resolves`,
    );
  }
  return success({
    size: sts.spec?.replicas ?? 1,
    entryAddress: statefulSetEntryAddress(name, serviceName, namespace),
  });
}

const WORKER_INDEX_FROM_LABEL = {
  valueFrom: { fieldRef: { fieldPath: `metadata.labels['${LABEL_POD_INDEX}']` } },
};

/**
 * Gives a role StatefulSet's pod template the group env. WORKER_INDEX comes from the pod-index
 * label through the downward API; the pod webhook replaces it with the literal ordinal, which
 * also covers clusters older than 1.28 that do not set that label.
 */
export function enhanceStatefulSet(sts: StatefulSet, namespace: string): Outcome<StatefulSet> {
  const group = resolveStatefulSetGroup(sts, namespace);
  if (!group.ok) return group;
  const out = structuredClone(sts);
  const template = out.spec?.template;
  const podSpec = template?.spec;
  if (!template || !podSpec)
    return failure(
      DenialCode.Invalid,
      `StatefulSet ${namespace}/${sts.metadata?.name ?? ""}: spec.template.spec is missing`,
    );
  setLabels((template.metadata ??= {}), {
    [LABEL_MANAGED]: "true",
    [LABEL_ROLE]: sts.metadata?.labels?.[LABEL_ROLE] ?? "",
  });
  const warnings = setEnvEverywhere(podSpec, [
    [ENV_GROUP_SIZE, { value: String(group.value.size) }],
    [ENV_ENTRY_ADDRESS, { value: group.value.entryAddress }],
    [ENV_WORKER_INDEX, WORKER_INDEX_FROM_LABEL],
  ]);
  return success(out, warnings);
}

/** The StatefulSet that controls a pod, if any. */
export function owningStatefulSet(pod: Pod): string | undefined {
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller && o.kind === "StatefulSet");
  return owner?.name;
}

/** A pod of a role StatefulSet: its ordinal from the pod-index label or the name suffix. */
export function statefulSetPodOrdinal(pod: Pod): number | undefined {
  const fromLabel = pod.metadata?.labels?.[LABEL_POD_INDEX];
  if (fromLabel !== undefined && /^\d+$/.test(fromLabel)) return Number(fromLabel);
  const owner = owningStatefulSet(pod);
  return owner ? parseIndexSuffix(pod.metadata?.name ?? "", owner) : undefined;
}

/** Sets the literal WORKER_INDEX on a role StatefulSet's pod. Pure. */
export function enhanceStatefulSetPod(pod: Pod, namespace: string): Outcome<Pod> {
  const ordinal = statefulSetPodOrdinal(pod);
  if (ordinal === undefined) {
    return failure(
      DenialCode.Invalid,
      `${describePod(pod, namespace)}: no StatefulSet ordinal (label ${LABEL_POD_INDEX} or name <statefulset>-<n>); create it through its StatefulSet`,
    );
  }
  const out = structuredClone(pod);
  // Replacing the template's downward-API WORKER_INDEX is the point, so it is not warned about.
  setEnvEverywhere(out.spec ?? { containers: [] }, [[ENV_WORKER_INDEX, { value: String(ordinal) }]]);
  return success(out);
}
