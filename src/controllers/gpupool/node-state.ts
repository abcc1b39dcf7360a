import type { GPUPool, PoolNodeStatus } from "../../apis/inference-ai.js";
import type { Resources } from "../../kube/resources.js";
import {
  gfdCount,
  LABEL_GPU_COUNT,
  LABEL_GPU_PRODUCT,
  LABEL_GPU_REPLICAS,
  LABEL_MIG_CONFIG_STATE,
  type MigConfigState,
} from "../../nvidia/resources.js";
import type { NodeObject } from "./membership.js";
import { expectedAllocatable, poolResources, sharingReplicas } from "./pool-config.js";

/** What the pass knows of one node of the pool. */
export interface NodeFacts {
  node: NodeObject;
  /** Every pool that selects the node, this one included. */
  selecting: readonly GPUPool[];
  /** Labels the node still needs (node-labels.ts); empty when set. */
  changes: Record<string, string | null>;
  /** Allocatable and free, milli-units (the cluster view's node usage). */
  allocatable: Resources;
  free: Resources;
  /** The pool's config is in the ConfigMaps (NVIDIA's checks pass). */
  written: boolean;
}

type State = PoolNodeStatus["state"];

function devices(resources: Resources, names: readonly string[]): Record<string, number> {
  return Object.fromEntries(names.map((n) => [n, Math.floor((resources[n] ?? 0) / 1000)]));
}

/** Physical GPUs: GFD's count, which under the single strategy counts MIG devices once they exist. */
function physicalGpus(pool: GPUPool, labels: Record<string, string>): number | undefined {
  const count = gfdCount(labels[LABEL_GPU_COUNT]);
  if (count === undefined || count <= 0) return undefined;
  const single = pool.spec.sharing.mode === "mig" && pool.spec.sharing.migStrategy === "single";
  if (!single || !(labels[LABEL_GPU_PRODUCT] ?? "").includes("-MIG-")) return count;
  const perGpu = (pool.spec.sharing.profiles ?? []).reduce((n, p) => n + (p.count ?? 1), 0);
  return perGpu > 0 ? Math.floor(count / perGpu) : undefined;
}

function describeChanges(changes: Record<string, string | null>): string {
  return Object.entries(changes)
    .map(([k, v]) => (v === null ? `${k}-` : `${k}=${v}`))
    .join(" ");
}

const sameCounts = (a: Record<string, number>, b: Record<string, number>): boolean =>
  Object.entries(b).every(([k, v]) => a[k] === v);

interface Judgement {
  state: State;
  message: string;
}

/** What keeps the node from serving whatever its devices: another pool, no config, a failed or pending change. */
function blocked(pool: GPUPool, facts: NodeFacts): Judgement | undefined {
  const labels = facts.node.metadata?.labels ?? {};
  const others = facts.selecting.filter((p) => p.metadata.name !== pool.metadata.name).map((p) => p.metadata.name);
  if (others.length > 0) return { state: "Conflict", message: `also selected by GPUPool ${others.join(", ")}` };
  if (!facts.written)
    return { state: "Unknown", message: "the pool's config is not written (see its Ready condition)" };
  const migState = pool.spec.sharing.mode === "mig" ? (labels[LABEL_MIG_CONFIG_STATE] as MigConfigState) : undefined;
  if (migState === "failed")
    return { state: "Degraded", message: `MIG manager failed to apply the layout (${LABEL_MIG_CONFIG_STATE}=failed)` };
  if (Object.keys(facts.changes).length > 0)
    return { state: "Reconfiguring", message: `labels to set: ${describeChanges(facts.changes)}` };
  if (migState === "pending" || migState === "rebooting")
    return { state: "Reconfiguring", message: `MIG layout being applied (${LABEL_MIG_CONFIG_STATE}=${migState})` };
  return undefined;
}

/** A configured node: Ready when it advertises what the config says; Reconfiguring while GFD shows the old replicas. */
function compare(
  pool: GPUPool,
  labels: Record<string, string>,
  allocatable: Record<string, number>,
  expected: Record<string, number> | undefined,
): Judgement {
  if (!expected) return { state: "Unknown", message: `no GFD ${LABEL_GPU_COUNT} label: cannot check its devices` };
  if (sameCounts(allocatable, expected)) return { state: "Ready", message: "allocatable as configured" };
  const replicas = String(sharingReplicas(pool) ?? 1);
  const labelled = labels[LABEL_GPU_REPLICAS] ?? replicas;
  if (labelled !== replicas)
    return {
      state: "Reconfiguring",
      message: `the device plugin has not applied the config yet (${LABEL_GPU_REPLICAS}=${labelled}, want ${replicas})`,
    };
  return {
    state: "Degraded",
    message: `allocatable ${JSON.stringify(allocatable)} does not match the config's ${JSON.stringify(expected)}`,
  };
}

/** One node of the pool as it is, from its labels (GFD, GPU Operator) and its allocatable and requests. */
export function nodeStatus(pool: GPUPool, facts: NodeFacts): PoolNodeStatus {
  const labels = facts.node.metadata?.labels ?? {};
  const names = poolResources(pool);
  const allocatable = devices(facts.allocatable, names);
  const requested = Object.fromEntries(
    names.map((n) => [n, Math.ceil(((facts.allocatable[n] ?? 0) - (facts.free[n] ?? 0)) / 1000)]),
  );
  const gpus = physicalGpus(pool, labels);
  const expected = gpus === undefined ? undefined : expectedAllocatable(pool, gpus);
  const status: PoolNodeStatus = {
    name: facts.node.metadata?.name ?? "",
    ...(blocked(pool, facts) ?? compare(pool, labels, allocatable, expected)),
    allocatable,
    requested,
    labelsToSet: Object.fromEntries(Object.entries(facts.changes).map(([k, v]) => [k, v ?? ""])),
  };
  if (labels[LABEL_GPU_PRODUCT]) status.product = labels[LABEL_GPU_PRODUCT];
  if (gpus !== undefined) status.gpus = gpus;
  if (expected) status.expected = expected;
  if (labels[LABEL_MIG_CONFIG_STATE]) status.migConfigState = labels[LABEL_MIG_CONFIG_STATE];
  return status;
}
