import type { Resources } from "../kube/resources.js";
import { parseDecimal } from "../kube/validation.js";

/**
 * NVIDIA's names on Kubernetes objects: the extended resources its device plugin advertises and
 * the node labels GPU Feature Discovery (GFD) and GPU Operator set or read. Sources:
 * NVIDIA/k8s-device-plugin (`api/config/v1`, README "Shared Access to GPUs"), NVIDIA/gpu-operator
 * (`nvidia.com/device-plugin.config`, `nvidia.com/mig.config`), NVIDIA/gpu-feature-discovery.
 */

/** A whole GPU (or, under the single MIG strategy, one MIG device), counted in cards. */
export const GPU_RESOURCE = "nvidia.com/gpu";
/** The shared resource when time-slicing or MPS is configured with `renameByDefault: true`. */
export const GPU_SHARED_RESOURCE = "nvidia.com/gpu.shared";
/** Prefix of MIG devices under the mixed strategy: `nvidia.com/mig-3g.40gb`. */
export const MIG_RESOURCE_PREFIX = "nvidia.com/mig-";

/** GFD: the product name, `NVIDIA-A100-SXM4-80GB` (with `-MIG-<profile>` under the single strategy). */
export const LABEL_GPU_PRODUCT = "nvidia.com/gpu.product";
/** GFD: GPUs on the node. */
export const LABEL_GPU_COUNT = "nvidia.com/gpu.count";
/** GFD: `time-slicing`, `mps` or `none`, as the device plugin's config shares the GPUs. */
export const LABEL_SHARING_STRATEGY = "nvidia.com/gpu.sharing-strategy";
/** GPU Operator: the key of the device-plugin ConfigMap this node uses. */
export const LABEL_DEVICE_PLUGIN_CONFIG = "nvidia.com/device-plugin.config";
/** GPU Operator's MIG manager: the mig-parted layout this node should have. */
export const LABEL_MIG_CONFIG = "nvidia.com/mig.config";
/** GPU Operator's MIG manager: `pending`, `rebooting`, `success` or `failed`. */
export const LABEL_MIG_CONFIG_STATE = "nvidia.com/mig.config.state";
/** GFD: how many clients share each device (`1` unshared, the config's replicas when shared). */
export const LABEL_GPU_REPLICAS = "nvidia.com/gpu.replicas";
/** GFD: `true` when a GPU of the node can run MIG (GPU Operator then runs its MIG manager there). */
export const LABEL_MIG_CAPABLE = "nvidia.com/mig.capable";

/** The MIG layout GPU Operator's node labelling gives MIG-capable nodes, and its MIG manager's default. */
export const MIG_CONFIG_ALL_DISABLED = "all-disabled";
/** The key GPU Operator's MIG manager reads from a custom mig-parted ConfigMap (`migManager.config.name`). */
export const MIG_PARTED_CONFIG_KEY = "config.yaml";
/** Values of `nvidia.com/mig.config.state`, as mig-parted's reconfigure script sets them. */
export type MigConfigState = "pending" | "rebooting" | "success" | "failed";

/** GFD's label for a resource's count on the node: `nvidia.com/gpu.count`, `nvidia.com/mig-3g.40gb.count`. */
export function countLabel(resource: string): string {
  return `${resource}.count`;
}

/**
 * The most GPUs one node holds, for every bound on what a node can have: HGX and DGX boards carry
 * 8 (HGX-2 carried 16). A MIG layout spans at most this many GPUs of a node, and a GPU count read
 * from a node label above MAX_DEVICES_PER_NODE is not believed.
 */
export const MAX_GPUS_PER_NODE = 16;
/** The most MIG instances one GPU holds: seven (NVIDIA MIG User Guide; one per compute slice). */
export const MAX_MIG_INSTANCES_PER_GPU = 7;
/** The most devices GFD can count on one node: every GPU split into seven MIG instances. */
export const MAX_DEVICES_PER_NODE = MAX_GPUS_PER_NODE * MAX_MIG_INSTANCES_PER_GPU;

/**
 * A GFD count label (`nvidia.com/gpu.count`, `nvidia.com/mig-3g.40gb.count`) as a number: plain
 * decimal digits from 0 to MAX_DEVICES_PER_NODE; undefined when absent or anything else ("0x10",
 * "1e308" are not counts a node can have).
 */
export function gfdCount(label: string | undefined): number | undefined {
  const count = label === undefined ? undefined : parseDecimal(label);
  return count !== undefined && count >= 0 && count <= MAX_DEVICES_PER_NODE ? count : undefined;
}

/** MPS: the share of SMs a client may use, percent. */
export const ENV_MPS_ACTIVE_THREAD_PERCENTAGE = "CUDA_MPS_ACTIVE_THREAD_PERCENTAGE";
/** MPS: pinned device memory per device, `0=<n>M` (units `M` or `G`). */
export const ENV_MPS_PINNED_DEVICE_MEM_LIMIT = "CUDA_MPS_PINNED_DEVICE_MEM_LIMIT";

/** True for every NVIDIA GPU resource a pod can request: whole, shared or a MIG device. */
export function isGpuResource(name: string): boolean {
  return name === GPU_RESOURCE || name === GPU_SHARED_RESOURCE || name.startsWith(MIG_RESOURCE_PREFIX);
}

/** Milli-GPUs of every GPU resource in `resources` (whole, shared and MIG devices alike). */
export function gpuMilli(resources: Resources): number {
  let total = 0;
  for (const k in resources) if (isGpuResource(k)) total += resources[k] ?? 0;
  return total;
}
