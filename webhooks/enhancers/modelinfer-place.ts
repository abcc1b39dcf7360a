import type { Pod } from "kubernetes-types/core/v1.js";
import type { ClusterReader } from "../../src/cluster-view/cluster-view.js";
import { groupName, parseIndexSuffix, parsePodName, podName, roleId } from "../../src/modelinfer/naming.js";
import type { ModelInferPodPlace } from "./modelinfer.js";
import { failure, success, type Outcome } from "./result.js";
import { DenialCode, entryPath, type FieldError } from "../field-errors.js";
import { brokenNames, podPlaceNames } from "../../src/modelinfer/emitted-names.js";
import { MAX_INT32 } from "../../src/kube/validation.js";
import { brokenNameDetail, nameRuleFix } from "../validators/names.js";
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

const NAME_LABEL = entryPath("metadata.labels", LABEL_MODELINFER_NAME);
const ROLE_LABEL = entryPath("metadata.labels", LABEL_ROLE);

/** Indices from `<mi>-<g>-<role>-<r>-<p>`, or why the name has none. */
function indicesFromName(name: string, mi: string, role: string): Indices | FieldError {
  const fix = `name the pod ${podName(mi, 0, role, 0, 0)} and so on, as the ModelInfer controller does`;
  // Digits in every place, but one of them no int32 ordinal (…-99999999999999999999999-…, 007).
  const rest = name.startsWith(`${mi}-`) ? name.slice(mi.length + 1) : "";
  const outOfRange = /^(\d+)-(.+)-(\d+)-(\d+)$/.exec(rest)?.[2] === role;
  const detail = outOfRange
    ? `${name} has an index that is not an ordinal from 0 to ${MAX_INT32} without leading zeros`
    : `${name} is not of the form ${mi}-<g>-${role}-<r>-<p>`;
  return parsePodName(name, mi, role) ?? { path: "metadata.name", detail, fix };
}

/** Indices from the pod's name, or (for a pod with only generateName) from its labels. */
function readIndices(pod: Pod, mi: string, role: string): Indices | FieldError {
  const name = pod.metadata?.name;
  if (name) return indicesFromName(name, mi, role);
  const podLabels = pod.metadata?.labels ?? {};
  const groupIndex = parseIndexSuffix(podLabels[LABEL_GROUP_NAME] ?? "", mi);
  const roleIndex = parseIndexSuffix(podLabels[LABEL_ROLE_ID] ?? "", role);
  if (groupIndex === undefined || roleIndex === undefined || podLabels[LABEL_ENTRY] !== "true") {
    return {
      path: "metadata.labels",
      detail: "a pod without a name (generateName only) must be an entry pod",
      fix: `label it ${LABEL_GROUP_NAME}=${groupName(mi, 0)}, ${LABEL_ROLE_ID}=${roleId(role, 0)} and ${LABEL_ENTRY}=true`,
    };
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

/** The ModelInfer and role a pod names, or which of them this cluster does not have (403). */
function findRole(
  view: ClusterReader,
  namespace: string,
  miName: string,
  roleName: string,
): Outcome<{ modelInfer: ModelInfer; role: Role }> {
  const modelInfer = view.get(ModelInferKind, namespace, miName);
  if (!modelInfer)
    return failure(DenialCode.Forbidden, {
      path: NAME_LABEL,
      detail: `ModelInfer ${namespace}/${miName} not found`,
      fix: "create it first or fix the label",
    });
  const role = modelInfer.spec.template.roles.find((r) => r.name === roleName);
  if (role) return success({ modelInfer, role });
  const known = modelInfer.spec.template.roles.map((r) => r.name).join(", ");
  return failure(DenialCode.Forbidden, {
    path: ROLE_LABEL,
    detail: `ModelInfer ${namespace}/${miName} has no role ${roleName}`,
    fix: `use one of: ${known}`,
  });
}

/** True when the pod claims to belong to a ModelInfer (it carries the ModelInfer name label). */
export function isModelInferPod(pod: Pod): boolean {
  return Boolean(pod.metadata?.labels?.[LABEL_MODELINFER_NAME]);
}

/**
 * Finds where an opted-in pod sits in its ModelInfer, from its labels and name. Refuses with the
 * field that is wrong: 422 for a label or name of the wrong form, 403 for a ModelInfer, role or
 * index this cluster does not have.
 */
export function resolveModelInferPlace(pod: Pod, namespace: string, view: ClusterReader): Outcome<ModelInferPodPlace> {
  const podLabels = pod.metadata?.labels ?? {};
  const miName = podLabels[LABEL_MODELINFER_NAME] ?? "";
  const roleName = podLabels[LABEL_ROLE];
  if (!roleName)
    return failure(DenialCode.Invalid, {
      path: ROLE_LABEL,
      detail: "required, the pod names a ModelInfer",
      fix: `set it to one of the roles of ModelInfer ${miName}`,
    });
  const found = findRole(view, namespace, miName, roleName);
  if (!found.ok) return found;
  const { modelInfer, role } = found.value;
  const indices = readIndices(pod, miName, roleName);
  if ("path" in indices) return failure(DenialCode.Invalid, indices);
  const outOfRange = checkRange(indices, role);
  if (outOfRange)
    return failure(DenialCode.Forbidden, {
      path: pod.metadata?.name ? "metadata.name" : "metadata.labels",
      detail: `${outOfRange} of ModelInfer ${namespace}/${miName}`,
      fix: "scale the ModelInfer or rename the pod",
    });
  const place = { modelInfer, role, namespace, ...indices };
  const broken = placeNameError(place);
  return broken ? failure(DenialCode.Invalid, broken) : success(place);
}

/**
 * A ModelInfer created before the validating webhook ran (or with it off) may have a name that makes
 * an invalid hostname or label value: the pod is refused here, at the field that would carry it,
 * rather than by the apiserver after our patch with no word on where the value came from.
 */
function placeNameError(place: ModelInferPodPlace): FieldError | undefined {
  const mi = place.modelInfer.metadata.name ?? "";
  const names = podPlaceNames({
    modelInfer: mi,
    role: place.role.name,
    groupIndex: place.groupIndex,
    roleIndex: place.roleIndex,
    podIndex: place.podIndex,
    withService: false,
    withPodGroup: false,
  }).filter((n) => n.field !== "metadata.name");
  const broken = brokenNames(names)[0];
  if (!broken) return undefined;
  const fix = nameRuleFix(`the name of ModelInfer ${place.namespace}/${mi}`, mi, broken);
  return { path: broken.field, detail: brokenNameDetail(broken), fix };
}
