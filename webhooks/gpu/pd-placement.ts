import { cloneJson } from "../../src/kube/clone.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { engineOf, type GpuAsk } from "./ask.js";
import { gpuNodeSelector } from "./gpu-sharing.js";

const GPU_KEY = /^nvidia\.com\//;

/**
 * A PD side's placement: the topology hint's node selector (GPU labels stay the GPU enhancer's)
 * and affinity, and the side's non-GPU resources on the engine container (GPU resources go
 * through the sharing mode).
 */
export function applyPdPlacement(pod: Pod, ask: GpuAsk): string[] {
  const pd = ask.pd;
  if (!pd || !pod.spec) return [];
  const hint = pd.pdd.spec.topologyHint;
  const gpuKeys = new Set(Object.keys(ask.gpu ? gpuNodeSelector(ask.gpu) : {}));
  const selector = Object.entries(hint?.nodeSelector ?? {}).filter(([key]) => !gpuKeys.has(key));
  if (selector.length > 0) pod.spec.nodeSelector = { ...pod.spec.nodeSelector, ...Object.fromEntries(selector) };
  if (hint?.affinity) pod.spec.affinity = { ...pod.spec.affinity, ...cloneJson(hint.affinity) };
  applySideResources(pod, ask);
  return [];
}

function applySideResources(pod: Pod, ask: GpuAsk): void {
  const pd = ask.pd;
  const resources = pd?.role === "prefill" ? pd.pdd.spec.prefillResources : pd?.pdd.spec.decodeResources;
  if (!resources) return;
  const target = (engineOf(pod, ask).resources ??= {});
  for (const side of ["requests", "limits"] as const) {
    const wanted = Object.entries(resources[side] ?? {}).filter(([key]) => !GPU_KEY.test(key));
    if (wanted.length > 0)
      target[side] = {
        ...target[side],
        ...Object.fromEntries(wanted.map(([k, v]) => [k, typeof v === "number" ? String(v) : v])),
      };
  }
}
