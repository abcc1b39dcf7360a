import type { Pod } from "kubernetes-types/core/v1.js";
import { podRequests } from "../src/kube/resources.js";
import type { ClusterReader } from "../src/cluster-view/cluster-view.js";
import type { GangMember, GangSpec } from "./planner.js";
import { gangName, taskOf } from "../src/volcano/podgroup.js";

export type GangLookup =
  { kind: "none" } | { kind: "waiting"; reason: string } | { kind: "gang"; spec: GangSpec; members: GangMember[] };

function member(pod: Pod): GangMember {
  const m: GangMember = { name: pod.metadata?.name ?? "", task: taskOf(pod), requests: podRequests(pod) };
  if (pod.spec?.nodeName) m.nodeName = pod.spec.nodeName;
  return m;
}

function liveMembers(pod: Pod, stored: readonly Pod[]): GangMember[] {
  const name = pod.metadata?.name;
  const pods = [...stored.filter((p) => p.metadata?.name !== name), pod];
  return pods
    .filter((p) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed")
    .map(member)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The gang of the pod being scheduled, from its PodGroup and the pods of the view (the pod in
 * the request replaces its own, possibly older, copy). Like Coscheduling's PreFilter, a gang
 * with fewer pods than its minMember is not placed yet.
 */
export function lookupGang(pod: Pod, stores: ClusterReader): GangLookup {
  const gang = gangName(pod);
  if (gang === undefined) return { kind: "none" };
  const namespace = pod.metadata?.namespace ?? "default";
  const key = `${namespace}/${gang}`;
  const group = stores.podGroup(namespace, gang);
  if (!group) return { kind: "waiting", reason: `gang ${key}: PodGroup ${key} not found` };
  const members = liveMembers(pod, stores.gangMembers(namespace, gang));
  const minMember = group.spec.minMember ?? 1;
  if (members.length < minMember) {
    return {
      kind: "waiting",
      reason: `gang ${key}: ${members.length} of minMember ${minMember} pods exist; waiting for ${minMember - members.length} more`,
    };
  }
  const topology = group.spec.networkTopology;
  return {
    kind: "gang",
    members,
    spec: {
      key,
      minMember,
      minTaskMember: group.spec.minTaskMember ?? {},
      mode: topology?.mode ?? (topology ? "hard" : "soft"),
      highestTierAllowed: topology?.highestTierAllowed,
    },
  };
}
