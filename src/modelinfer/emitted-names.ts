import {
  DNS1035_LABEL_RULE,
  DNS1123_LABEL_RULE,
  DNS1123_SUBDOMAIN_RULE,
  LABEL_VALUE_RULE,
} from "../kube/validation.js";
import { brokenValues, type CheckedValue } from "../kube/object-values.js";
import { LABEL_GROUP_NAME, LABEL_MODELINFER_NAME, LABEL_ROLE_ID } from "../apis/matrixinfer.js";
import { groupName, podName, roleId } from "./naming.js";

/** A value a ModelInfer's name and role names make, and the apiserver rule it must follow where it lands. */
export type EmittedName = CheckedValue;

export interface PodPlaceNames {
  modelInfer: string;
  role: string;
  groupIndex: number;
  roleIndex: number;
  podIndex: number;
  /** The controller makes the role instance a headless Service named after its entry pod (DESIGN §4). */
  withService: boolean;
  /** The ModelInfer has gangSchedule, so the InferGroup has a PodGroup. */
  withPodGroup: boolean;
}

/**
 * The values one pod of a ModelInfer carries, or makes the controller create, that the apiserver
 * validates (DESIGN §4): label values (IsValidLabelValue), the pod name (DNS-1123 subdomain), the
 * entry pod's hostname and subdomain (DNS-1123 label), its headless Service (DNS-1035 label) and
 * the InferGroup's PodGroup (DNS-1123 subdomain).
 */
export function podPlaceNames(p: PodPlaceNames): EmittedName[] {
  const group = groupName(p.modelInfer, p.groupIndex);
  const pod = podName(p.modelInfer, p.groupIndex, p.role, p.roleIndex, p.podIndex);
  const names: EmittedName[] = [
    { field: `metadata.labels[${LABEL_MODELINFER_NAME}]`, value: p.modelInfer, rule: LABEL_VALUE_RULE },
    { field: `metadata.labels[${LABEL_GROUP_NAME}]`, value: group, rule: LABEL_VALUE_RULE },
    { field: `metadata.labels[${LABEL_ROLE_ID}]`, value: roleId(p.role, p.roleIndex), rule: LABEL_VALUE_RULE },
    { field: "metadata.name", value: pod, rule: DNS1123_SUBDOMAIN_RULE },
  ];
  if (p.podIndex === 0) {
    names.push({ field: "spec.hostname", value: pod, rule: DNS1123_LABEL_RULE });
    names.push({ field: "spec.subdomain", value: pod, rule: DNS1123_LABEL_RULE });
    if (p.withService) names.push({ field: "Service metadata.name", value: pod, rule: DNS1035_LABEL_RULE });
  }
  if (p.withPodGroup) names.push({ field: "PodGroup metadata.name", value: group, rule: DNS1123_SUBDOMAIN_RULE });
  return names;
}

/** The names that break a rule, each with the apiserver's messages. */
export const brokenNames = brokenValues;
