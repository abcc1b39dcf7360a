import type { Pod } from "kubernetes-types/core/v1.js";
import { podRequests, type Resources } from "../src/kube/resources.js";
import { parseQuantity } from "../src/kube/quantity.js";
import type { ClusterReader } from "../src/cluster-view/cluster-view.js";
import type { GangMember, GangSpec } from "./planner.js";
import { gangName, taskOf, type PodGroup } from "../src/volcano/podgroup.js";
import { highestTier, podGroupRefusals } from "./podgroup-fields.js";

/** A Warning Event to put on an object the extender read: a field it refused, a HyperNode it left out. */
export interface Notice {
  object: {
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
  };
  reason: string;
  message: string;
}

export type GangLookup =
  | { kind: "none" }
  | { kind: "waiting"; reason: string }
  | { kind: "refused"; reason: string; notices: Notice[] }
  | { kind: "gang"; spec: GangSpec; members: GangMember[] };

function member(pod: Pod): GangMember {
  const m: GangMember = { name: pod.metadata?.name ?? "", task: taskOf(pod), requests: podRequests(pod) };
  if (pod.spec?.nodeName) m.nodeName = pod.spec.nodeName;
  return m;
}

function livePods(pod: Pod, stored: readonly Pod[]): Pod[] {
  const name = pod.metadata?.name;
  return [...stored.filter((p) => p.metadata?.name !== name), pod]
    .filter((p) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed")
    .sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
}

/** Tasks with fewer pods than their minTaskMember, as Volcano's gang plugin reports them (NotEnoughPodsOfTask). */
function taskShortfalls(group: PodGroup, members: readonly GangMember[]): string[] {
  return Object.entries(group.spec.minTaskMember ?? {}).flatMap(([task, min]) => {
    const have = members.filter((m) => m.task === task).length;
    return have < min ? [`task ${task} has ${have} of ${min} pods`] : [];
  });
}

/** Why the gang cannot be placed yet: a task short of its minTaskMember (first, as Volcano checks), or of minMember. */
function shortfall(group: PodGroup, key: string, members: readonly GangMember[]): string | undefined {
  const short = taskShortfalls(group, members);
  if (short.length > 0) return `gang ${key}: NotEnoughPodsOfTask: ${short.join(", ")} (minTaskMember)`;
  const minMember = group.spec.minMember ?? 1;
  return members.length < minMember
    ? `gang ${key}: ${members.length} of minMember ${minMember} pods exist; waiting for ${minMember - members.length} more`
    : undefined;
}

function minResourcesOf(group: PodGroup): Resources {
  return Object.fromEntries(Object.entries(group.spec.minResources ?? {}).map(([k, q]) => [k, parseQuantity(q)]));
}

function refused(group: PodGroup, key: string, refusals: readonly string[]): GangLookup {
  const { name, namespace, uid, resourceVersion } = group.metadata;
  return {
    kind: "refused",
    reason: `gang ${key}: PodGroup ${key} has what inferplane's extender cannot honour: ${refusals.join("; and ")}`,
    notices: refusals.map((message) => ({
      object: { apiVersion: group.apiVersion, kind: group.kind, name, namespace, uid, resourceVersion },
      reason: "FieldNotHonoured",
      message,
    })),
  };
}

/**
 * The gang of the pod being scheduled, from its PodGroup and the pods of the view (the pod in
 * the request replaces its own, possibly older, copy). Checked before any planning, in Volcano's
 * order: a PodGroup field the extender cannot honour refuses the gang (podgroup-fields.ts); a task
 * below its minTaskMember (NotEnoughPodsOfTask) or fewer pods than minMember (NotEnoughTasks,
 * Coscheduling's PreFilter) waits.
 */
export function lookupGang(pod: Pod, stores: ClusterReader): GangLookup {
  const gang = gangName(pod);
  if (gang === undefined) return { kind: "none" };
  const namespace = pod.metadata?.namespace ?? "default";
  const key = `${namespace}/${gang}`;
  const group = stores.podGroup(namespace, gang);
  if (!group) return { kind: "waiting", reason: `gang ${key}: PodGroup ${key} not found` };
  const pods = livePods(pod, stores.gangMembers(namespace, gang));
  const refusals = podGroupRefusals(group, pods, stores.topology());
  if (refusals.length > 0) return refused(group, key, refusals);
  const members = pods.map(member);
  const waiting = shortfall(group, key, members);
  if (waiting) return { kind: "waiting", reason: waiting };
  const topology = group.spec.networkTopology;
  return {
    kind: "gang",
    members,
    spec: {
      key,
      // minMember 0 asks for no minimum, but the pod being filtered must still get a node: plan at least it.
      minMember: Math.max(1, group.spec.minMember ?? 1),
      minTaskMember: group.spec.minTaskMember ?? {},
      minResources: minResourcesOf(group),
      mode: topology?.mode ?? (topology ? "hard" : "soft"),
      highestTier: highestTier(topology, stores.topology()),
    },
  };
}
