import type { Pod } from "kubernetes-types/core/v1.js";
import { int32 } from "../src/kube/validation.js";
import { parseQuantity } from "../src/kube/quantity.js";
import { VolcanoPodGroupKind, type NetworkTopology, type PodGroup } from "../src/volcano/podgroup.js";
import { isKind } from "../src/kube/kind.js";
import type { Topology } from "../src/volcano/topology.js";

/**
 * How the extender treats every spec field of the PodGroup versions it reads — each is honoured
 * or refused, never dropped (a dropped field is a constraint that silently stops applying):
 *
 * | field | kinds | treatment |
 * |---|---|---|
 * | minMember | both | honoured: waits for that many pods, plans that many |
 * | minTaskMember | Volcano | honoured: waits per task (NotEnoughPodsOfTask), plans each task's minimum |
 * | minResources | both | honoured: the HyperNode must have that much free in total |
 * | networkTopology.mode, .highestTierAllowed | Volcano | honoured |
 * | networkTopology.highestTierName | Volcano | honoured: the tier whose HyperNodes carry that spec.tierName |
 * | queue | Volcano | honoured when unset or `default` (no capacity to enforce); another queue is refused: only Volcano's scheduler admits from queues |
 * | priorityClassName | Volcano | honoured when every member pod has it (kube-scheduler orders and preempts by the pods' priority); refused otherwise |
 * | subGroupPolicy | Volcano | refused: subgroup gangs are Volcano's scheduler's |
 * | scheduleTimeoutSeconds | scheduler-plugins | honoured: it bounds how long Coscheduling holds reserved members at Permit; the extender reserves nothing, so nothing is held |
 * | any other field | both | refused: a field inferplane does not know |
 *
 * Sources: volcano-sh/apis scheduling/v1beta1 PodGroupSpec and NetworkTopologySpec;
 * kubernetes-sigs/scheduler-plugins apis/scheduling/v1alpha1 PodGroupSpec.
 */
const VOLCANO_FIELDS = new Set([
  "minMember",
  "minTaskMember",
  "minResources",
  "queue",
  "priorityClassName",
  "networkTopology",
  "subGroupPolicy",
]);
const COSCHEDULING_FIELDS = new Set(["minMember", "minResources", "scheduleTimeoutSeconds"]);
const NETWORK_TOPOLOGY_FIELDS = new Set(["mode", "highestTierAllowed", "highestTierName"]);

/** A field the extender cannot honour: `spec.<path>: <why>; <what to do>`. */
export type Refusal = string;

function unknownFields(group: PodGroup): Refusal[] {
  const known = isKind(group, VolcanoPodGroupKind) ? VOLCANO_FIELDS : COSCHEDULING_FIELDS;
  const extra = Object.keys(group.spec).filter((k) => !known.has(k));
  const topology = Object.keys(group.spec.networkTopology ?? {}).filter((k) => !NETWORK_TOPOLOGY_FIELDS.has(k));
  return [
    ...extra.map((k) => `spec.${k}: a field inferplane's extender does not know; remove it or schedule with its owner`),
    ...topology.map((k) => `spec.networkTopology.${k}: a field inferplane's extender does not know; remove it`),
  ];
}

function numbers(group: PodGroup): Refusal[] {
  const tasks = Object.entries(group.spec.minTaskMember ?? {});
  const fields: [string, unknown][] = [
    ["minMember", group.spec.minMember],
    ["networkTopology.highestTierAllowed", group.spec.networkTopology?.highestTierAllowed],
    ...tasks.map(([task, min]): [string, unknown] => [`minTaskMember.${task}`, min]),
  ];
  const badQuantities = Object.entries(group.spec.minResources ?? {}).filter(([, q]) => !isQuantity(q));
  return [
    ...fields
      .filter(([, value]) => value !== undefined && int32(value) === undefined)
      .map(([path, value]) => `spec.${path}: ${JSON.stringify(value)} is not an integer ≥ 0; write a whole number`),
    ...badQuantities.map(
      ([name, q]) => `spec.minResources.${name}: ${JSON.stringify(q)} is not a quantity; write it like 8 or 16Gi`,
    ),
  ];
}

function isQuantity(value: unknown): boolean {
  try {
    parseQuantity(value as string);
    return typeof value === "string" || typeof value === "number";
  } catch {
    return false;
  }
}

function volcanoOnly(group: PodGroup, pods: readonly Pod[]): Refusal[] {
  const { queue, priorityClassName, subGroupPolicy } = group.spec;
  const refusals: Refusal[] = [];
  if (queue !== undefined && queue !== "" && queue !== "default")
    refusals.push(
      `spec.queue: queue ${queue} is admitted by Volcano's scheduler only; schedule the gang with Volcano or use the default queue`,
    );
  const others = pods.filter((p) => (p.spec?.priorityClassName ?? "") !== priorityClassName);
  if (priorityClassName && others.length > 0)
    refusals.push(
      `spec.priorityClassName: ${others.length} member pods lack ${priorityClassName}; kube-scheduler orders by the pods' priority, so set it on them`,
    );
  if (subGroupPolicy !== undefined && subGroupPolicy.length > 0)
    refusals.push(
      "spec.subGroupPolicy: subgroup gangs are Volcano's scheduler's; use minTaskMember or schedule with Volcano",
    );
  return refusals;
}

function topologyRefusals(nt: NetworkTopology | undefined, topology: Topology): Refusal[] {
  if (!nt) return [];
  const refusals: Refusal[] = [];
  const mode: unknown = nt.mode;
  if (mode !== undefined && mode !== "hard" && mode !== "soft")
    refusals.push(`spec.networkTopology.mode: ${JSON.stringify(mode)} is neither hard nor soft; use one of them`);
  if (nt.highestTierName !== undefined && nt.highestTierAllowed !== undefined)
    refusals.push(
      "spec.networkTopology: highestTierName and highestTierAllowed cannot be set together (Volcano); keep one",
    );
  else if (nt.highestTierName !== undefined && (topology.tiersByName.get(nt.highestTierName) ?? []).length !== 1)
    refusals.push(
      `spec.networkTopology.highestTierName: ${topology.tiersByName.has(nt.highestTierName) ? "names more than one tier" : "no HyperNode has spec.tierName"} ${nt.highestTierName}; name one tier of the HyperNodes`,
    );
  return refusals;
}

/** Every field of the gang's PodGroup the extender cannot honour for these member pods (empty: all honoured). */
export function podGroupRefusals(group: PodGroup, pods: readonly Pod[], topology: Topology): Refusal[] {
  return [
    ...unknownFields(group),
    ...numbers(group),
    ...(isKind(group, VolcanoPodGroupKind) ? volcanoOnly(group, pods) : []),
    ...topologyRefusals(group.spec.networkTopology, topology),
  ];
}

/** The highest tier the gang may span: highestTierAllowed, or the one tier its highestTierName names. */
export function highestTier(nt: NetworkTopology | undefined, topology: Topology): number | undefined {
  if (nt?.highestTierName !== undefined) return topology.tiersByName.get(nt.highestTierName)?.[0];
  return nt?.highestTierAllowed;
}
