import type { GPUPool, GPUPoolStatus, PoolNodeStatus } from "../../apis/inference-ai.js";
import { condition, type Condition } from "../runtime/conditions.js";
import type { GpuPoolSettings } from "./settings.js";

/** How many nodes the status lists, the ones needing attention first. */
export const LISTED_NODES = 100;
const NAMED = 5;

const URGENCY: Record<string, number> = { Conflict: 0, Degraded: 1, Reconfiguring: 2, Unknown: 3, Ready: 4 };

function names(nodes: readonly PoolNodeStatus[]): string {
  const shown = nodes.slice(0, NAMED).map((n) => n.name);
  return nodes.length > NAMED ? `${shown.join(", ")} and ${nodes.length - NAMED} more` : shown.join(", ");
}

function inState(nodes: readonly PoolNodeStatus[], state: string): PoolNodeStatus[] {
  return nodes.filter((n) => n.state === state);
}

/** The `kubectl label` line for nodes whose labels are to set (node writes off). */
function labelCommand(nodes: readonly PoolNodeStatus[]): string {
  const first = nodes.find((n) => Object.keys(n.labelsToSet ?? {}).length > 0);
  const labels = Object.entries(first?.labelsToSet ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  const targets = nodes.slice(0, NAMED).map((n) => n.name);
  return `kubectl label node ${targets.join(" ")} ${labels} --overwrite`;
}

function reconfiguring(nodes: readonly PoolNodeStatus[], settings: GpuPoolSettings): [boolean, string, string] {
  const changing = inState(nodes, "Reconfiguring");
  if (changing.length === 0) return [false, "Settled", "no node is being reconfigured"];
  const unlabelled = changing.filter((n) => Object.keys(n.labelsToSet ?? {}).length > 0);
  if (unlabelled.length > 0 && !settings.nodeWrites)
    return [
      true,
      "LabelsToSet",
      `node writes are off: ${unlabelled.length} node(s) lack the pool's labels; run: ${labelCommand(unlabelled)}`,
    ];
  if (unlabelled.length > 0) return [true, "Labelling", `setting the pool's labels on ${names(unlabelled)}`];
  return [true, "Applying", `${names(changing)}: ${changing[0]?.message ?? ""}`];
}

function ready(
  pool: GPUPool,
  nodes: readonly PoolNodeStatus[],
  problems: readonly string[],
): [boolean, string, string] {
  if (problems.length > 0) return [false, "InvalidConfig", `the config is not written: ${problems.join("; ")}`];
  if (nodes.length === 0) {
    const selector = JSON.stringify({
      ...pool.spec.nodeSelector,
      ...(pool.spec.gpuProduct ? { product: pool.spec.gpuProduct } : {}),
    });
    return [false, "NoNodes", `no GPU node matches ${selector}; label nodes or fix nodeSelector/gpuProduct`];
  }
  const good = inState(nodes, "Ready");
  if (good.length === 0) return [false, "NoNodeReady", `0/${nodes.length} nodes serve the pool as configured`];
  return [true, "NodesReady", `${good.length}/${nodes.length} nodes serve the pool as configured`];
}

/**
 * The pool's conditions from its nodes' states: Ready, Reconfiguring, Conflict and Degraded,
 * each with a reason and a message naming nodes and what to do.
 */
export function poolConditions(
  pool: GPUPool,
  nodes: readonly PoolNodeStatus[],
  problems: readonly string[],
  settings: GpuPoolSettings,
  now: string,
): Condition[] {
  const previous = pool.status?.conditions;
  const generation = pool.metadata.generation;
  const make = (type: string, [status, reason, message]: [boolean, string, string]): Condition =>
    condition(type, status, reason, message, previous, now, generation);
  const conflicts = inState(nodes, "Conflict");
  const degraded = inState(nodes, "Degraded");
  return [
    make("Ready", ready(pool, nodes, problems)),
    make("Reconfiguring", reconfiguring(nodes, settings)),
    make(
      "Conflict",
      conflicts.length > 0
        ? [
            true,
            "NodeInSeveralPools",
            `${conflicts
              .map((n) => `${n.name} (${n.message ?? ""})`)
              .slice(0, NAMED)
              .join("; ")}: neither pool configures these nodes; make the nodeSelectors disjoint`,
          ]
        : [false, "NoConflict", "no other pool selects these nodes"],
    ),
    make(
      "Degraded",
      degraded.length > 0
        ? [true, "NotAsConfigured", `${names(degraded)}: ${degraded[0]?.message ?? ""}`]
        : [false, "AsConfigured", "every configured node advertises what the config says"],
    ),
  ];
}

/** Nodes most urgent first, then by name, at most LISTED_NODES. */
export function listedNodes(nodes: readonly PoolNodeStatus[]): PoolNodeStatus[] {
  return [...nodes]
    .sort((a, b) => (URGENCY[a.state] ?? 9) - (URGENCY[b.state] ?? 9) || a.name.localeCompare(b.name))
    .slice(0, LISTED_NODES);
}

/** Where the pool's config lives, for the status. */
export function configLocation(
  pool: GPUPool,
  key: string,
  settings: GpuPoolSettings,
): Pick<GPUPoolStatus, "devicePluginConfig" | "migConfig"> {
  const location: Pick<GPUPoolStatus, "devicePluginConfig" | "migConfig"> = {
    devicePluginConfig: { configMap: `${settings.namespace}/${settings.devicePluginConfigMap}`, key },
  };
  if (pool.spec.sharing.mode === "mig")
    location.migConfig = { configMap: `${settings.namespace}/${settings.migPartedConfigMap}`, layout: key };
  return location;
}
