import type { GPUPool } from "../../apis/inference-ai.js";
import { NODE } from "../../kube/core-kinds.js";
import { LABEL_DEVICE_PLUGIN_CONFIG, LABEL_MIG_CONFIG, MIG_CONFIG_ALL_DISABLED } from "../../nvidia/resources.js";
import type { LabelPatch } from "../runtime/reconciler.js";
import type { NodeObject } from "./membership.js";
import { poolKey } from "./pool-config.js";

/** The keys and layouts inferplane manages: the pools' and those in its ConfigMaps. */
export interface Managed {
  keys: ReadonlySet<string>;
  layouts: ReadonlySet<string>;
}

type Labels = Record<string, string | null>;

/** Labels for a node one writable pool selects: its config key, its layout (or all-disabled after one of ours). */
function poolLabels(pool: GPUPool, current: Record<string, string>, managed: Managed): Labels {
  const labels: Labels = { [LABEL_DEVICE_PLUGIN_CONFIG]: poolKey(pool) };
  if (pool.spec.sharing.mode === "mig") labels[LABEL_MIG_CONFIG] = poolKey(pool);
  else if (managed.layouts.has(current[LABEL_MIG_CONFIG] ?? "")) labels[LABEL_MIG_CONFIG] = MIG_CONFIG_ALL_DISABLED;
  return labels;
}

/** Labels for a node no pool selects: ours removed (the device plugin falls back to its default), MIG off. */
function releaseLabels(current: Record<string, string>, managed: Managed): Labels {
  const labels: Labels = {};
  if (managed.keys.has(current[LABEL_DEVICE_PLUGIN_CONFIG] ?? "")) labels[LABEL_DEVICE_PLUGIN_CONFIG] = null;
  if (managed.layouts.has(current[LABEL_MIG_CONFIG] ?? "")) labels[LABEL_MIG_CONFIG] = MIG_CONFIG_ALL_DISABLED;
  return labels;
}

/**
 * The label changes a node needs, or none: a node one writable pool selects gets
 * `nvidia.com/device-plugin.config=<key>` and, for a mig pool, `nvidia.com/mig.config=<layout>`;
 * a node no pool selects loses labels naming our keys and layouts; a node two pools select (a
 * Conflict), or whose pool's config cannot be written, is left as it is — never a flapping label.
 */
export function nodeLabelChanges(
  node: NodeObject,
  selecting: readonly GPUPool[],
  writable: ReadonlySet<string>,
  managed: Managed,
): Labels {
  const current = node.metadata?.labels ?? {};
  const [pool, ...others] = selecting;
  let wanted: Labels = {};
  if (!pool) wanted = releaseLabels(current, managed);
  else if (others.length === 0 && writable.has(pool.metadata.name ?? "")) wanted = poolLabels(pool, current, managed);
  return Object.fromEntries<string | null>(
    Object.entries(wanted).filter(([k, v]) => (v === null ? k in current : current[k] !== v)),
  );
}

/**
 * The label patches of one pool's pass: its own nodes, and every node no pool selects that still
 * carries our labels (a deleted pool's nodes are released by the pools that remain).
 */
export function labelPatches(
  pool: GPUPool,
  nodes: readonly NodeObject[],
  byNode: ReadonlyMap<string, GPUPool[]>,
  writable: ReadonlySet<string>,
  managed: Managed,
): LabelPatch[] {
  return nodes.flatMap((node) => {
    const name = node.metadata?.name ?? "";
    const selecting = byNode.get(name) ?? [];
    if (selecting.length > 0 && !selecting.some((p) => p.metadata.name === pool.metadata.name)) return [];
    const labels = nodeLabelChanges(node, selecting, writable, managed);
    return Object.keys(labels).length > 0 ? [{ kind: NODE, name, labels }] : [];
  });
}
