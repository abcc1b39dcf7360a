import { createHash } from "node:crypto";
import type { GPUPool } from "../../apis/inference-ai.js";
import { advertised, devicePluginConfigProblems, type DevicePluginConfig } from "../../nvidia/device-plugin.js";
import {
  anyProfile,
  geometryOf,
  migResourceName,
  packLayout,
  profilesFor,
  type MigCount,
  type MigProfile,
} from "../../nvidia/mig.js";
import {
  migLayoutProblems,
  migPartedConfigProblems,
  nvidiaYaml,
  parseNvidiaYaml,
  type MigConfigSpec,
} from "../../nvidia/mig-parted.js";
import { GPU_RESOURCE, MAX_GPUS_PER_NODE, MIG_CONFIG_ALL_DISABLED } from "../../nvidia/resources.js";

/**
 * A pool's part of the NVIDIA configuration, computed from its spec alone: the device-plugin
 * config (one key of the shared ConfigMap), the mig-parted layout, the resources its pods request
 * and what a node should advertise once configured. Pure.
 */

/**
 * The pool's device-plugin config key and mig-parted layout name: its name, or, past the 63
 * characters of a label value, its first 52 and a hash. Nodes select both by label.
 */
export function poolKey(pool: GPUPool): string {
  const name = pool.metadata.name ?? "";
  if (name.length <= 63) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 10);
  return `${name.slice(0, 52).replace(/[-.]+$/, "")}-${hash}`;
}

/**
 * Clients per device in the device plugin's sharing (NVIDIA requires ≥ 2), by this rule:
 * oversubscription enabled → ceil(ratio) (ratio default 2); else mps → floor(100 /
 * threadPercentage) (as many clients as fit their share of SMs), else 2 for mps and timeslice;
 * exclusive, and mig without oversubscription, do not share (undefined). Always at least 2.
 */
export function sharingReplicas(pool: GPUPool): number | undefined {
  const { mode, mps } = pool.spec.sharing;
  if (mode === "exclusive") return undefined;
  const over = pool.spec.oversubscription;
  const ratio = over?.enabled ? Number(over.ratio ?? 2) : Number.NaN;
  if (Number.isFinite(ratio)) return Math.max(2, Math.ceil(ratio));
  if (mode === "mig") return undefined;
  const percent = mps?.threadPercentage;
  return mode === "mps" && percent ? Math.max(2, Math.floor(100 / percent)) : 2;
}

function migStrategy(pool: GPUPool): "mixed" | "single" {
  return pool.spec.sharing.migStrategy ?? "mixed";
}

/** Profile → instances per GPU, counts of a profile listed twice added up. */
function profileCounts(pool: GPUPool): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of pool.spec.sharing.profiles ?? []) counts[p.name] = (counts[p.name] ?? 0) + (p.count ?? 1);
  return counts;
}

/** The resources the device plugin replicates for the pool (before any renaming). */
function replicatedResources(pool: GPUPool): string[] {
  if (pool.spec.sharing.mode !== "mig") return [GPU_RESOURCE];
  if (migStrategy(pool) === "single") return [GPU_RESOURCE];
  return Object.keys(profileCounts(pool)).map(migResourceName);
}

/**
 * The pool's device-plugin config: `flags.migStrategy` (the pool's for mig, else none), and for
 * a sharing pool `sharing.mps` (mode mps) or `sharing.timeSlicing` (timeslice, oversubscribed
 * mig) over every replicated resource, with `renameByDefault` from sharing.renameSharedResource.
 */
export function devicePluginConfig(pool: GPUPool): DevicePluginConfig {
  const { mode, renameSharedResource } = pool.spec.sharing;
  const config: DevicePluginConfig = {
    version: "v1",
    flags: { migStrategy: mode === "mig" ? migStrategy(pool) : "none" },
  };
  const replicas = sharingReplicas(pool);
  if (replicas === undefined) return config;
  const shared = {
    ...(renameSharedResource ? { renameByDefault: true } : {}),
    resources: replicatedResources(pool).map((name) => ({ name, replicas })),
  };
  config.sharing = mode === "mps" ? { mps: shared } : { timeSlicing: shared };
  return config;
}

function profileOf(name: string, product: string | undefined): MigProfile | undefined {
  return (product ? profilesFor(product)?.find((p) => p.name === name) : undefined) ?? anyProfile(name);
}

/** The GPUs one node's layout takes, each a profile → count map; one when it fits a GPU or cannot be packed. */
function gpuGroups(pool: GPUPool): Record<string, number>[] {
  const counts = profileCounts(pool);
  const instances = Object.entries(counts).flatMap(([name, count]): MigCount[] => {
    const profile = profileOf(name, pool.spec.gpuProduct);
    return profile ? [{ profile, count }] : [];
  });
  const unknown = Object.keys(counts).some((name) => !profileOf(name, pool.spec.gpuProduct));
  const packed = unknown ? undefined : packLayout(instances, geometryOf(pool.spec.gpuProduct));
  if (!packed || packed.length <= 1) return [counts];
  return packed.map((gpu) => {
    const group: Record<string, number> = {};
    for (const p of gpu) group[p.name] = (group[p.name] ?? 0) + 1;
    return group;
  });
}

/**
 * The pool's mig-parted layout, for mode mig: every GPU of a node gets the profiles
 * (`devices: all`); a layout that needs G GPUs (the seed's 2 × 3g.40gb + 4 × 1g.10gb on an
 * A100) is written for GPU indices 0–15, GPU i taking part i mod G (indices a node lacks match
 * nothing). Undefined for other modes.
 */
export function migLayout(pool: GPUPool): MigConfigSpec[] | undefined {
  if (pool.spec.sharing.mode !== "mig") return undefined;
  const groups = gpuGroups(pool);
  if (groups.length === 1) return [{ devices: "all", "mig-enabled": true, "mig-devices": groups[0] ?? {} }];
  return groups.map((group, g) => ({
    devices: Array.from({ length: MAX_GPUS_PER_NODE }, (_, i) => i).filter((i) => i % groups.length === g),
    "mig-enabled": true,
    "mig-devices": group,
  }));
}

/** The resources the pool's pods request, as the configured device plugin advertises them. */
export function poolResources(pool: GPUPool): string[] {
  const config = devicePluginConfig(pool);
  return replicatedResources(pool).map((r) => advertised(config, r).name);
}

/**
 * What a configured node with `gpus` physical GPUs should advertise of each pool resource:
 * GPUs × (MIG instances the layout gives them) × replicas.
 */
export function expectedAllocatable(pool: GPUPool, gpus: number): Record<string, number> {
  const config = devicePluginConfig(pool);
  const out: Record<string, number> = {};
  const add = (resource: string, devices: number): void => {
    const { name, replicas } = advertised(config, resource);
    out[name] = (out[name] ?? 0) + devices * replicas;
  };
  if (pool.spec.sharing.mode !== "mig") add(GPU_RESOURCE, gpus);
  else {
    const groups = gpuGroups(pool);
    for (let i = 0; i < gpus; i++)
      for (const [profile, count] of Object.entries(groups[i % groups.length] ?? {}))
        add(migStrategy(pool) === "single" ? GPU_RESOURCE : migResourceName(profile), count);
  }
  return out;
}

/** Checked configs by pool object: the view hands out the same object until the pool changes. */
const checked = new WeakMap<GPUPool, { devicePluginYaml: string; problems: string[] }>();

function check(pool: GPUPool): { devicePluginYaml: string; problems: string[] } {
  const known = checked.get(pool);
  if (known) return known;
  const key = poolKey(pool);
  const devicePluginYaml = nvidiaYaml(devicePluginConfig(pool));
  const problems = devicePluginConfigProblems(parseNvidiaYaml(devicePluginYaml));
  const layout = migLayout(pool);
  if (layout) {
    if ((pool.spec.sharing.profiles ?? []).length === 0)
      problems.push("mode mig needs sharing.profiles (e.g. {name: 3g.40gb, count: 2})");
    if (key === MIG_CONFIG_ALL_DISABLED)
      problems.push(`the name ${key} is GPU Operator's own MIG layout; rename the pool`);
    const file = { version: "v1", "mig-configs": { [key]: layout } };
    problems.push(...migPartedConfigProblems(parseNvidiaYaml(nvidiaYaml(file))));
    if (pool.spec.gpuProduct) problems.push(...migLayoutProblems(key, layout, pool.spec.gpuProduct));
  }
  const result = { devicePluginYaml, problems };
  checked.set(pool, result);
  return result;
}

/**
 * Why the pool's config must not be written: NVIDIA's own reading of the YAML we would write
 * (device plugin and mig-parted, src/nvidia/), the layout against gpuProduct, and a name that
 * would replace GPU Operator's `all-disabled` layout. Empty when it can be written.
 */
export function poolConfigProblems(pool: GPUPool): string[] {
  return [...check(pool).problems];
}

/** The pool's device-plugin config as the YAML of its ConfigMap key (NVIDIA's YAML 1.1). */
export function devicePluginYaml(pool: GPUPool): string {
  return check(pool).devicePluginYaml;
}
