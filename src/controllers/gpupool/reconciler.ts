import type { Pod } from "kubernetes-types/core/v1.js";
import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import { GPUPoolKind, type GPUPool, type GPUPoolStatus } from "../../apis/inference-ai.js";
import { CONFIG_MAP, NODE, POD } from "../../kube/core-kinds.js";
import { isKind } from "../../kube/kind.js";
import type { KubeObject } from "../../kube/object.js";
import { podRequests } from "../../kube/resources.js";
import {
  isGpuResource,
  LABEL_DEVICE_PLUGIN_CONFIG,
  LABEL_MIG_CONFIG,
  MIG_CONFIG_ALL_DISABLED,
} from "../../nvidia/resources.js";
import type { DesiredState, Reconciler } from "../runtime/reconciler.js";
import {
  devicePluginConfigMap,
  liveLayouts,
  migPartedConfigMap,
  writablePools,
  type ConfigMapObject,
} from "./config-maps.js";
import { poolsByNode, selects, type NodeObject } from "./membership.js";
import { labelPatches, nodeLabelChanges, type Managed } from "./node-labels.js";
import { nodeStatus } from "./node-state.js";
import { poolConfigProblems, poolKey, poolResources, sharingReplicas } from "./pool-config.js";
import { DEFAULT_GPU_POOL_SETTINGS, type GpuPoolSettings } from "./settings.js";
import { configLocation, listedNodes, poolConditions } from "./status.js";

/** Every pool and node as the view shows them, and what follows from all of them together. */
interface Fleet {
  pools: GPUPool[];
  nodes: NodeObject[];
  byNode: Map<string, GPUPool[]>;
  writable: Set<string>;
  managed: Managed;
  live: { devicePlugin?: ConfigMapObject; migParted?: ConfigMapObject };
}

function fleetOf(view: ClusterReader, settings: GpuPoolSettings): Fleet {
  const pools = [...view.list(GPUPoolKind)].sort((a, b) =>
    (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""),
  );
  const nodes = [...view.list(NODE)];
  const devicePlugin = view.get(CONFIG_MAP, settings.namespace, settings.devicePluginConfigMap);
  const migParted = view.get(CONFIG_MAP, settings.namespace, settings.migPartedConfigMap);
  const layouts = new Set([
    ...Object.keys(liveLayouts(migParted)),
    ...pools.filter((p) => p.spec.sharing.mode === "mig").map(poolKey),
  ]);
  layouts.delete(MIG_CONFIG_ALL_DISABLED);
  return {
    pools,
    nodes,
    byNode: poolsByNode(pools, nodes),
    writable: new Set(writablePools(pools).map((p) => p.metadata.name ?? "")),
    managed: { keys: new Set([...Object.keys(devicePlugin?.data ?? {}), ...pools.map(poolKey)]), layouts },
    live: { devicePlugin, migParted },
  };
}

/** The two shared ConfigMaps (merged from every pool) and, with node writes, the nodes' labels. */
function desired(pool: GPUPool, view: ClusterReader, settings: GpuPoolSettings): DesiredState {
  const fleet = fleetOf(view, settings);
  const state: DesiredState = {
    children: [
      devicePluginConfigMap(fleet.pools, fleet.nodes, settings, fleet.live.devicePlugin),
      migPartedConfigMap(fleet.pools, fleet.nodes, settings, fleet.live.migParted),
    ],
  };
  if (settings.nodeWrites) state.labels = labelPatches(pool, fleet.nodes, fleet.byNode, fleet.writable, fleet.managed);
  return state;
}

function status(pool: GPUPool, view: ClusterReader, now: Date, settings: GpuPoolSettings): GPUPoolStatus {
  const fleet = fleetOf(view, settings);
  const problems = poolConfigProblems(pool);
  const name = pool.metadata.name ?? "";
  const nodes = fleet.nodes
    .filter((n) => fleet.byNode.get(n.metadata?.name ?? "")?.some((p) => p.metadata.name === name))
    .map((node) => {
      const selecting = fleet.byNode.get(node.metadata?.name ?? "") ?? [];
      return nodeStatus(pool, {
        node,
        selecting,
        changes: nodeLabelChanges(node, selecting, fleet.writable, fleet.managed),
        allocatable: view.nodeAllocatable(node.metadata?.name ?? "") ?? {},
        free: view.nodeFree(node.metadata?.name ?? ""),
        written: fleet.writable.has(name),
      });
    });
  const counted = nodes.filter((n) => n.state !== "Conflict");
  const sum = (pick: (n: (typeof nodes)[number]) => Record<string, number> | undefined): number =>
    counted.reduce((total, n) => total + Object.values(pick(n) ?? {}).reduce((a, b) => a + b, 0), 0);
  const result: GPUPoolStatus = {
    nodes: nodes.length,
    gpus: nodes.reduce((total, n) => total + (n.gpus ?? 0), 0),
    resources: poolResources(pool),
    allocatable: sum((n) => n.allocatable),
    requested: sum((n) => n.requested),
    ...configLocation(pool, poolKey(pool), settings),
    nodeStatus: listedNodes(nodes),
    conditions: poolConditions(pool, nodes, problems, settings, now.toISOString()),
  };
  const replicas = sharingReplicas(pool);
  if (replicas !== undefined) result.replicas = replicas;
  if (pool.metadata.generation !== undefined) result.observedGeneration = pool.metadata.generation;
  return result;
}

const keyOf = (pool: GPUPool): string => `/${pool.metadata.name ?? ""}`;

/** A node's pools: those selecting it, or all when it carries our labels (it may have left a pool). */
function poolsOfNode(node: NodeObject, pools: readonly GPUPool[]): GPUPool[] {
  const labels = node.metadata?.labels ?? {};
  const ours = labels[LABEL_DEVICE_PLUGIN_CONFIG] !== undefined || labels[LABEL_MIG_CONFIG] !== undefined;
  return ours ? [...pools] : pools.filter((p) => selects(p, node));
}

/** A bound pod's pools, when it requests GPUs: those selecting its node. */
function poolsOfPod(pod: KubeObject & Pod, pools: readonly GPUPool[], view: ClusterReader): GPUPool[] {
  const name = pod.spec?.nodeName;
  if (!name || !Object.keys(podRequests(pod)).some(isGpuResource)) return [];
  const node = view.get(NODE, "", name);
  return node ? pools.filter((p) => selects(p, node)) : [];
}

/** The pools a change concerns: all for a pool or our ConfigMap; a GPU node's or a bound GPU pod's selecting pools. */
function mapToPrimaries(obj: KubeObject, view: ClusterReader, settings: GpuPoolSettings): string[] {
  const pools = view.list(GPUPoolKind);
  if (isKind(obj, GPUPoolKind)) return pools.filter((p) => p.metadata.name !== obj.metadata.name).map(keyOf);
  if (isKind(obj, CONFIG_MAP)) return obj.metadata?.namespace === settings.namespace ? pools.map(keyOf) : [];
  if (isKind(obj, NODE)) return poolsOfNode(obj, pools).map(keyOf);
  return isKind(obj, POD) ? poolsOfPod(obj, pools, view).map(keyOf) : [];
}

/**
 * GPUPool (DESIGN.md §7, §12): the pool's NVIDIA device-plugin config and mig-parted layout in
 * the ConfigMaps GPU Operator reads, its nodes' labels when the chart allows node writes, and
 * a status from the nodes as they are.
 */
export function gpuPoolReconciler(
  settings: GpuPoolSettings = DEFAULT_GPU_POOL_SETTINGS,
): Reconciler<GPUPool, GPUPoolStatus> {
  return {
    name: "gpupool",
    kind: GPUPoolKind,
    owns: [],
    mapToPrimaries: (obj, view) => mapToPrimaries(obj, view, settings),
    desired: (pool, view) => desired(pool, view, settings),
    status: (pool, view, now) => status(pool, view, now, settings),
  };
}
