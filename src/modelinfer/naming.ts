import { parseOrdinal } from "../kube/validation.js";

/**
 * Names of the objects a ModelInfer owns (DESIGN §4, after MatrixInfer/Kthena).
 * Every other module derives names from here.
 */

/** InferGroup `g` of ModelInfer `mi`: `<mi>-<g>`. */
export function groupName(modelInfer: string, groupIndex: number): string {
  return `${modelInfer}-${groupIndex}`;
}

/** Role instance `r` of role `role`: `<role>-<r>`. */
export function roleId(role: string, roleIndex: number): string {
  return `${role}-${roleIndex}`;
}

/** Pod `p` of a role instance: `<mi>-<g>-<role>-<r>-<p>`; the entry pod is p = 0. */
export function podName(
  modelInfer: string,
  groupIndex: number,
  role: string,
  roleIndex: number,
  podIndex: number,
): string {
  return `${groupName(modelInfer, groupIndex)}-${roleId(role, roleIndex)}-${podIndex}`;
}

/** The entry pod of a role instance; also the name of its headless Service. */
export function entryPodName(modelInfer: string, groupIndex: number, role: string, roleIndex: number): string {
  return podName(modelInfer, groupIndex, role, roleIndex, 0);
}

/** DNS name of the entry pod through its headless Service: `<entry>.<entry>.<namespace>`. */
export function entryAddress(entryPod: string, namespace: string): string {
  return `${entryPod}.${entryPod}.${namespace}`;
}

/**
 * Entry address of a StatefulSet role instance: `<sts>-<start>.<serviceName>.<namespace>`. The
 * StatefulSet controller names its pods from `spec.ordinals.start` (default 0; Kubernetes API
 * reference, StatefulSetOrdinals), so the first pod, the entry, is `<sts>-<start>`.
 */
export function statefulSetEntryAddress(
  statefulSet: string,
  serviceName: string,
  namespace: string,
  start = 0,
): string {
  return `${statefulSet}-${start}.${serviceName}.${namespace}`;
}

export interface PodCoordinates {
  groupIndex: number;
  roleIndex: number;
  podIndex: number;
}

/**
 * Reads `<g>`, `<r>`, `<p>` back from a pod name of the form `<mi>-<g>-<role>-<r>-<p>`. Each index
 * is an int32 ordinal written without leading zeros (parseOrdinal), so `…-99999999999999999999999-…`
 * is no index at all rather than 1e+23.
 */
export function parsePodName(name: string, modelInfer: string, role: string): PodCoordinates | undefined {
  const prefix = `${modelInfer}-`;
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  const match = /^(\d+)-(.+)-(\d+)-(\d+)$/.exec(rest);
  if (!match || match[2] !== role) return undefined;
  const [groupIndex, roleIndex, podIndex] = [match[1], match[3], match[4]].map((m) => parseOrdinal(m ?? ""));
  if (groupIndex === undefined || roleIndex === undefined || podIndex === undefined) return undefined;
  return { groupIndex, roleIndex, podIndex };
}

/** Reads the int32 index back from `<prefix>-<index>` (group names, role-ids, StatefulSet pod names). */
export function parseIndexSuffix(name: string, prefix: string): number | undefined {
  if (!name.startsWith(`${prefix}-`)) return undefined;
  return parseOrdinal(name.slice(prefix.length + 1));
}
