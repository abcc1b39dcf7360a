import { DenialCode } from "../field-errors.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { ClusterReader } from "../../src/cluster-view/cluster-view.js";
import { groupName, parseIndexSuffix, parsePodName, roleId } from "../../src/modelinfer/naming.js";
import type { ModelInferPodPlace } from "./modelinfer.js";
import { failure, success, type Outcome } from "./result.js";
import {
  LABEL_ENTRY,
  LABEL_GROUP_NAME,
  LABEL_MODELINFER_NAME,
  LABEL_ROLE,
  LABEL_ROLE_ID,
  ModelInferKind,
  type ModelInfer,
  type Role,
} from "../../src/apis/matrixinfer.js";

interface Indices {
  groupIndex: number;
  roleIndex: number;
  podIndex: number;
}

/** Indices from the pod's name, or (for a pod with only generateName) from its labels. */
function readIndices(pod: Pod, mi: string, role: string): Indices | string {
  const name = pod.metadata?.name;
  if (name) {
    return parsePodName(name, mi, role) ?? `name ${name} is not of the form ${mi}-<g>-${role}-<r>-<p>`;
  }
  const podLabels = pod.metadata?.labels ?? {};
  const groupIndex = parseIndexSuffix(podLabels[LABEL_GROUP_NAME] ?? "", mi);
  const roleIndex = parseIndexSuffix(podLabels[LABEL_ROLE_ID] ?? "", role);
  if (groupIndex === undefined || roleIndex === undefined || podLabels[LABEL_ENTRY] !== "true") {
    return `a pod without a name must be an entry pod labelled ${LABEL_GROUP_NAME}=${groupName(mi, 0)}, ${LABEL_ROLE_ID}=${roleId(role, 0)} and ${LABEL_ENTRY}=true`;
  }
  return { groupIndex, roleIndex, podIndex: 0 };
}

function checkRange(indices: Indices, role: Role): string | undefined {
  const workers = role.workerReplicas ?? 0;
  if (indices.podIndex > workers)
    return `pod index ${indices.podIndex} exceeds workerReplicas ${workers} of role ${role.name}`;
  const roleReplicas = role.replicas ?? 1;
  // Group indices are not bounded by spec.replicas: scale-down removes unavailable groups
  // first, so the groups of a ModelInfer may be {0, 2} with replicas 2.
  return indices.roleIndex >= roleReplicas
    ? `role index ${indices.roleIndex} is not below replicas ${roleReplicas} of role ${role.name}`
    : undefined;
}

/** The ModelInfer and role a pod names, or what is missing (404 when the ModelInfer is). */
function findRole(
  view: ClusterReader,
  who: string,
  namespace: string,
  miName: string,
  roleName: string,
): Outcome<{ modelInfer: ModelInfer; role: Role }> {
  const modelInfer = view.get(ModelInferKind, namespace, miName);
  if (!modelInfer)
    return failure(
      DenialCode.Forbidden,
      `${who}: ModelInfer ${namespace}/${miName} not found; create it first or fix label ${LABEL_MODELINFER_NAME}`,
    );
  const role = modelInfer.spec.template.roles.find((r) => r.name === roleName);
  if (role) return success({ modelInfer, role });
  const known = modelInfer.spec.template.roles.map((r) => r.name).join(", ");
  return failure(
    DenialCode.Forbidden,
    `${who}: ModelInfer ${namespace}/${miName} has no role ${roleName}; use one of: ${known}`,
  );
}

export function describePod(pod: Pod, namespace: string): string {
  return `pod ${namespace}/${pod.metadata?.name ?? pod.metadata?.generateName ?? "<unnamed>"}`;
}

/** True when the pod claims to belong to a ModelInfer (it carries the ModelInfer name label). */
export function isModelInferPod(pod: Pod): boolean {
  return Boolean(pod.metadata?.labels?.[LABEL_MODELINFER_NAME]);
}

/**
 * Finds where an opted-in pod sits in its ModelInfer, from its labels and name. Fails with a
 * message that names the pod, what is missing and how to fix it.
 */
export function resolveModelInferPlace(pod: Pod, namespace: string, view: ClusterReader): Outcome<ModelInferPodPlace> {
  const podLabels = pod.metadata?.labels ?? {};
  const miName = podLabels[LABEL_MODELINFER_NAME] ?? "";
  const roleName = podLabels[LABEL_ROLE];
  const who = describePod(pod, namespace);
  if (!roleName)
    return failure(
      DenialCode.Invalid,
      `${who}: label ${LABEL_ROLE} is missing; set it to one of the roles of ModelInfer ${miName}`,
    );
  const found = findRole(view, who, namespace, miName, roleName);
  if (!found.ok) return found;
  const { modelInfer, role } = found.value;
  const indices = readIndices(pod, miName, roleName);
  if (typeof indices === "string") return failure(DenialCode.Invalid, `${who}: ${indices}`);
  const outOfRange = checkRange(indices, role);
  if (outOfRange)
    return failure(
      DenialCode.Forbidden,
      `${who}: ${outOfRange} of ModelInfer ${namespace}/${miName}; scale the ModelInfer or rename the pod`,
    );
  return success({ modelInfer, role, namespace, ...indices });
}
