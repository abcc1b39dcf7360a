import type { ConfigMap } from "kubernetes-types/core/v1.js";
import type { GPUPool } from "../../apis/inference-ai.js";
import type { KubeObject } from "../../kube/object.js";
import { nvidiaYaml, parseNvidiaYaml, type MigConfigSpec } from "../../nvidia/mig-parted.js";
import {
  LABEL_DEVICE_PLUGIN_CONFIG,
  LABEL_MIG_CONFIG,
  MIG_CONFIG_ALL_DISABLED,
  MIG_PARTED_CONFIG_KEY,
} from "../../nvidia/resources.js";
import type { NodeObject } from "./membership.js";
import { devicePluginYaml, migLayout, poolConfigProblems, poolKey } from "./pool-config.js";
import type { GpuPoolSettings } from "./settings.js";

export type ConfigMapObject = ConfigMap & KubeObject;

/**
 * The two ConfigMaps GPU Operator reads, merged from every pool: each pool's reconcile writes
 * them whole and alike (server-side apply, one field manager), so pools never clobber each other.
 * They carry no owner reference: GPU Operator keeps reading them when pools come and go, and a
 * key or layout a node's label still names is kept after its pool is gone (NVIDIA's
 * config-manager fails on a label naming a missing key), until no node names it.
 */

/** Pools whose config can be written (NVIDIA's checks pass), by name. */
export function writablePools(pools: readonly GPUPool[]): GPUPool[] {
  return pools.filter((p) => !p.metadata.deletionTimestamp && poolConfigProblems(p).length === 0);
}

/** The values of one label over the nodes. */
function labelValues(nodes: readonly NodeObject[], label: string): Set<string> {
  return new Set(nodes.flatMap((n) => n.metadata?.labels?.[label] ?? []));
}

function configMap(settings: GpuPoolSettings, name: string, data: Record<string, string>): ConfigMapObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name,
      namespace: settings.namespace,
      labels: { "app.kubernetes.io/part-of": "inferplane", "app.kubernetes.io/component": "gpupool" },
    },
    data,
  };
}

/** The device-plugin ConfigMap: one key per writable pool, plus live keys a node's label still names. */
export function devicePluginConfigMap(
  pools: readonly GPUPool[],
  nodes: readonly NodeObject[],
  settings: GpuPoolSettings,
  live: ConfigMapObject | undefined,
): ConfigMapObject {
  const named = labelValues(nodes, LABEL_DEVICE_PLUGIN_CONFIG);
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(live?.data ?? {})) if (named.has(key)) data[key] = value;
  for (const pool of writablePools(pools)) data[poolKey(pool)] = devicePluginYaml(pool);
  return configMap(settings, settings.devicePluginConfigMap, sortedKeys(data));
}

function sortedKeys<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b)));
}

/** The layouts in a live mig-parted ConfigMap (none when it is missing or unreadable). */
export function liveLayouts(live: ConfigMapObject | undefined): Record<string, MigConfigSpec[]> {
  try {
    const parsed = parseNvidiaYaml(live?.data?.[MIG_PARTED_CONFIG_KEY] ?? "") as {
      "mig-configs"?: Record<string, MigConfigSpec[]>;
    } | null;
    return parsed?.["mig-configs"] ?? {};
  } catch {
    return {};
  }
}

/**
 * The mig-parted ConfigMap (key `config.yaml`): GPU Operator's `all-disabled` (its default
 * layout, which its node labelling puts on every MIG-capable node), one layout per writable mig
 * pool, plus live layouts a node's label still names.
 */
export function migPartedConfigMap(
  pools: readonly GPUPool[],
  nodes: readonly NodeObject[],
  settings: GpuPoolSettings,
  live: ConfigMapObject | undefined,
): ConfigMapObject {
  const named = labelValues(nodes, LABEL_MIG_CONFIG);
  const layouts: Record<string, MigConfigSpec[]> = {};
  for (const [name, layout] of Object.entries(liveLayouts(live))) if (named.has(name)) layouts[name] = layout;
  for (const pool of writablePools(pools)) {
    const layout = migLayout(pool);
    if (layout) layouts[poolKey(pool)] = layout;
  }
  layouts[MIG_CONFIG_ALL_DISABLED] = [{ devices: "all", "mig-enabled": false }];
  const file = { version: "v1", "mig-configs": sortedKeys(layouts) };
  return configMap(settings, settings.migPartedConfigMap, { [MIG_PARTED_CONFIG_KEY]: nvidiaYaml(file) });
}
