import type { InferenceService } from "../apis/inference-ai.js";

/**
 * GPUs each pod gets: gpu.count (default 1), one share under MPS. With pipelineParallelism > 1
 * every pod of a replica (each node) gets this many.
 */
export function gpusPerPod(svc: InferenceService): number {
  return svc.spec.gpu?.sharing === "mps" ? 1 : (svc.spec.gpu?.count ?? 1);
}

/** Whole GPUs, split by tensor parallelism (not MIG instances, MPS or time-sliced shares). */
export function wholeGpus(svc: InferenceService): boolean {
  const sharing = svc.spec.gpu?.sharing;
  return sharing === undefined || sharing === "exclusive";
}

/** backendConfig.tensorParallelism; default the pod's GPUs when they are whole, else 1. */
export function tensorParallelism(svc: InferenceService): number {
  return svc.spec.backendConfig?.tensorParallelism ?? (wholeGpus(svc) ? gpusPerPod(svc) : 1);
}

/** The role of the ModelInfer a multi-node InferenceService becomes (its pods are `<name>-<g>-engine-0-<p>`). */
export const MODELINFER_ROLE = "engine";

/** backendConfig.pipelineParallelism, default 1: the pods (nodes) one replica spans. */
export function pipelineParallelism(svc: InferenceService): number {
  return svc.spec.backendConfig?.pipelineParallelism ?? 1;
}
