import type { Node, Pod } from "kubernetes-types/core/v1.js";
import type { HyperNode, HyperNodeMember } from "../../src/volcano/hypernode.js";
import type { PodGroup } from "../../src/volcano/podgroup.js";
import type { KubeObject } from "../../src/kube/object.js";
import { ClusterStores } from "../../src/cluster-view/stores.js";

export function node(
  name: string,
  gpus: number,
  labels: Record<string, string> = {},
  extra: Record<string, string> = {},
): Node & KubeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } },
    status: { allocatable: { cpu: "64", memory: "512Gi", pods: "110", "nvidia.com/gpu": String(gpus), ...extra } },
  };
}

export function hyperNode(name: string, tier: number, members: HyperNodeMember[]): HyperNode {
  return { apiVersion: "topology.volcano.sh/v1alpha1", kind: "HyperNode", metadata: { name }, spec: { tier, members } };
}

export const exact = (type: "Node" | "HyperNode", name: string): HyperNodeMember => ({
  type,
  selector: { exactMatch: { name } },
});
export const regex = (type: "Node" | "HyperNode", pattern: string): HyperNodeMember => ({
  type,
  selector: { regexMatch: { pattern } },
});

export function podGroup(
  name: string,
  minMember: number,
  topology?: PodGroup["spec"]["networkTopology"],
  minTaskMember?: Record<string, number>,
  namespace = "default",
): PodGroup {
  const spec: PodGroup["spec"] = { minMember };
  if (topology) spec.networkTopology = topology;
  if (minTaskMember) spec.minTaskMember = minTaskMember;
  return { apiVersion: "scheduling.volcano.sh/v1beta1", kind: "PodGroup", metadata: { name, namespace }, spec };
}

export function gangPod(
  name: string,
  gang: string,
  resources: Record<string, string>,
  opts: { task?: string; nodeName?: string; namespace?: string } = {},
): Pod & KubeObject {
  const annotations: Record<string, string> = { "scheduling.k8s.io/group-name": gang };
  if (opts.task) annotations["volcano.sh/task-spec"] = opts.task;
  const pod: Pod & KubeObject = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: opts.namespace ?? "default", annotations },
    spec: {
      containers: [
        { name: "engine", image: "vllm/vllm-openai:v0.11.0", resources: { requests: resources, limits: resources } },
      ],
    },
  };
  if (opts.nodeName) pod.spec!.nodeName = opts.nodeName;
  return pod;
}

/** A pod that is not part of any gang, bound to a node: uses resources there. */
export function boundPod(name: string, nodeName: string, gpus: number): Pod & KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "busy" },
    spec: {
      nodeName,
      containers: [
        {
          name: "c",
          resources: { requests: { "nvidia.com/gpu": String(gpus) }, limits: { "nvidia.com/gpu": String(gpus) } },
        },
      ],
    },
  };
}

/**
 * Tiers of HyperNodes over `racks × nodesPerRack` nodes named `r<R>-n<N>`: tier 1 one per rack
 * (regexMatch), tier 2 one per `racksPerSpine` racks (exactMatch), tier 3 holding all spines.
 */
export function rackCluster(
  racks: number,
  nodesPerRack: number,
  gpus: number,
  racksPerSpine = 2,
  tiers = 3,
): KubeObject[] {
  const objects: KubeObject[] = [];
  for (let r = 0; r < racks; r++) {
    for (let n = 0; n < nodesPerRack; n++) objects.push(node(`r${r}-n${n}`, gpus, { rack: `r${r}` }));
    objects.push(hyperNode(`rack-${r}`, 1, [regex("Node", `^r${r}-n\\d+$`)]));
  }
  if (tiers >= 2) {
    for (let s = 0; s * racksPerSpine < racks; s++) {
      const members = Array.from({ length: Math.min(racksPerSpine, racks - s * racksPerSpine) }, (_, i) =>
        exact("HyperNode", `rack-${s * racksPerSpine + i}`),
      );
      objects.push(hyperNode(`spine-${s}`, 2, members));
    }
  }
  if (tiers >= 3) objects.push(hyperNode("core", 3, [regex("HyperNode", "^spine-\\d+$")]));
  return objects;
}

export function storesOf(objects: readonly KubeObject[]): ClusterStores {
  const stores = new ClusterStores();
  stores.replaceAll(objects);
  return stores;
}
