import type { Pod } from "kubernetes-types/core/v1.js";
import { migProductLabel, migResourceName } from "../../src/nvidia/mig.js";
import { mpsPinnedMemoryLimit } from "../../src/nvidia/mps.js";
import {
  ENV_MPS_ACTIVE_THREAD_PERCENTAGE,
  ENV_MPS_PINNED_DEVICE_MEM_LIMIT,
  GPU_RESOURCE,
  GPU_SHARED_RESOURCE,
  isGpuResource,
  LABEL_GPU_PRODUCT,
  LABEL_SHARING_STRATEGY,
} from "../../src/nvidia/resources.js";
import { engineOf, type GpuAsk, type GpuShare } from "./ask.js";
import { setManagedEnv } from "./container-edits.js";

/** The one GPU resource and count the device plugin should see for this share. */
function gpuResource(share: GpuShare): [string, number] {
  if (share.mode === "mig" && share.migStrategy === "mixed")
    return [migResourceName(share.migProfile ?? ""), share.count];
  if (share.mode === "mps") return [share.sharedResource ? GPU_SHARED_RESOURCE : GPU_RESOURCE, 1];
  if (share.mode === "timeslice") return [share.sharedResource ? GPU_SHARED_RESOURCE : GPU_RESOURCE, share.count];
  return [GPU_RESOURCE, share.count];
}

/** Node labels the share needs: the pool's, the product (or its MIG variant), the sharing strategy. */
export function gpuNodeSelector(share: GpuShare): Record<string, string> {
  const selector = { ...share.poolSelector };
  if (share.mode === "mig" && share.migStrategy === "single" && share.product)
    selector[LABEL_GPU_PRODUCT] = migProductLabel(share.product, share.migProfile ?? "");
  else if (share.product) selector[LABEL_GPU_PRODUCT] = share.product;
  if (share.mode === "mps") selector[LABEL_SHARING_STRATEGY] = "mps";
  if (share.mode === "timeslice") selector[LABEL_SHARING_STRATEGY] = "time-slicing";
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
    const kept = Object.fromEntries(Object.entries(current).filter(([k]) => !isGpuResource(k)));
    resources[side] = { ...kept, [name]: String(count) };
  }
  const selector = { ...pod.spec.nodeSelector, ...gpuNodeSelector(share) };
  // Never an empty map the pod did not have (kubectl apply would fight over it).
  if (Object.keys(selector).length > 0) pod.spec.nodeSelector = selector;
  if (share.mode !== "mps") return [];
  const vars: [string, { value: string }][] = [];
  if (share.mps.threadPercentage !== undefined)
    vars.push([ENV_MPS_ACTIVE_THREAD_PERCENTAGE, { value: String(share.mps.threadPercentage) }]);
  const pinned =
    share.mps.pinnedMemoryBytes === undefined ? undefined : mpsPinnedMemoryLimit(share.mps.pinnedMemoryBytes);
  if (pinned !== undefined) vars.push([ENV_MPS_PINNED_DEVICE_MEM_LIMIT, { value: pinned }]);
  return setManagedEnv(engine, vars);
}
