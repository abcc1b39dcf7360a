import type { Pod } from "kubernetes-types/core/v1.js";
import { migProductLabel, migResourceName } from "../../src/gpu/mig.js";
import { engineOf, type GpuAsk, type GpuShare } from "./ask.js";
import { setManagedEnv } from "./container-edits.js";

export const GPU = "nvidia.com/gpu";
const GPU_SHARED = "nvidia.com/gpu.shared";
const PRODUCT_LABEL = "nvidia.com/gpu.product";
const SHARING_STRATEGY_LABEL = "nvidia.com/gpu.sharing-strategy";
const GPU_RESOURCE = /^nvidia\.com\/(gpu|gpu\.shared|mig-.+)$/;

/** The one GPU resource and count the device plugin should see for this share. */
function gpuResource(share: GpuShare): [string, number] {
  if (share.mode === "mig" && share.migStrategy === "mixed")
    return [migResourceName(share.migProfile ?? ""), share.count];
  if (share.mode === "mps") return [share.sharedResource ? GPU_SHARED : GPU, 1];
  if (share.mode === "timeslice") return [share.sharedResource ? GPU_SHARED : GPU, share.count];
  return [GPU, share.count];
}

/** Node labels the share needs: the pool's, the product (or its MIG variant), the sharing strategy. */
export function gpuNodeSelector(share: GpuShare): Record<string, string> {
  const selector = { ...share.poolSelector };
  if (share.mode === "mig" && share.migStrategy === "single" && share.product)
    selector[PRODUCT_LABEL] = migProductLabel(share.product, share.migProfile ?? "");
  else if (share.product) selector[PRODUCT_LABEL] = share.product;
  if (share.mode === "mps") selector[SHARING_STRATEGY_LABEL] = "mps";
  if (share.mode === "timeslice") selector[SHARING_STRATEGY_LABEL] = "time-slicing";
  return selector;
}

/**
 * MIG, MPS, time-slicing or exclusive GPUs on the engine container, as NVIDIA's device plugin and
 * GPU Operator consume them. The device plugin mounts MPS's pipe directory itself, so no volume
 * is added for it.
 */
export function applyGpuSharing(pod: Pod, ask: GpuAsk): string[] {
  const share = ask.gpu;
  if (!share || !pod.spec) return [];
  const engine = engineOf(pod, ask);
  const [name, count] = gpuResource(share);
  const resources = (engine.resources ??= {});
  for (const side of ["requests", "limits"] as const) {
    const current = resources[side] ?? {};
    const kept = Object.fromEntries(Object.entries(current).filter(([k]) => !GPU_RESOURCE.test(k)));
    resources[side] = { ...kept, [name]: String(count) };
  }
  pod.spec.nodeSelector = { ...pod.spec.nodeSelector, ...gpuNodeSelector(share) };
  if (share.mode !== "mps") return [];
  const vars: [string, { value: string }][] = [];
  if (share.mps.threadPercentage !== undefined)
    vars.push(["CUDA_MPS_ACTIVE_THREAD_PERCENTAGE", { value: String(share.mps.threadPercentage) }]);
  if (share.mps.pinnedMemoryGb !== undefined)
    vars.push([
      "CUDA_MPS_PINNED_DEVICE_MEM_LIMIT",
      { value: `0=${Math.max(Math.floor(share.mps.pinnedMemoryGb), 1)}G` },
    ]);
  return setManagedEnv(engine, vars);
}
