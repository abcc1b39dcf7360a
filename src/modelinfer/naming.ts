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

/** Entry address of a StatefulSet role instance: `<sts>-0.<serviceName>.<namespace>`. */
export function statefulSetEntryAddress(statefulSet: string, serviceName: string, namespace: string): string {
  return `${statefulSet}-0.${serviceName}.${namespace}`;
}

export interface PodCoordinates {
  groupIndex: number;
  roleIndex: number;
  podIndex: number;
}

/** Reads `<g>`, `<r>`, `<p>` back from a pod name of the form `<mi>-<g>-<role>-<r>-<p>`. */
export function parsePodName(name: string, modelInfer: string, role: string): PodCoordinates | undefined {
  const prefix = `${modelInfer}-`;
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  const match = /^(\d+)-(.+)-(\d+)-(\d+)$/.exec(rest);
  if (!match || match[2] !== role) return undefined;
  return { groupIndex: Number(match[1]), roleIndex: Number(match[3]), podIndex: Number(match[4]) };
}

/** Reads the index back from `<prefix>-<index>` (group names, role-ids, StatefulSet pod names). */
export function parseIndexSuffix(name: string, prefix: string): number | undefined {
  if (!name.startsWith(`${prefix}-`)) return undefined;
  const suffix = name.slice(prefix.length + 1);
  return /^(0|[1-9]\d*)$/.test(suffix) ? Number(suffix) : undefined;
}
