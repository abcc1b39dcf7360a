import { cloneJson } from "../../src/kube/clone.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { ClusterReader } from "../../src/cluster-view/cluster-view.js";
import { success, type Outcome } from "../enhancers/result.js";
import { asksForGpuFeatures } from "./annotations.js";
import { resolveGpuAsk, type GpuAsk } from "./ask.js";
import { applyEngineFlags } from "./engine-flags.js";
import { checkEngineCommand } from "./engine-command.js";
import { applyGpuSharing } from "./gpu-sharing.js";
import { applyKvCache } from "./kv-cache.js";
import { applyPdPlacement } from "./pd-placement.js";

/** One enhancer: edits a working copy of the pod for the ask; returns warnings. Each owns fields no other touches. */
export type GpuEnhancer = (pod: Pod, ask: GpuAsk, namespace: string) => string[];

export const GPU_ENHANCERS: readonly GpuEnhancer[] = [
  applyGpuSharing,
  applyPdPlacement,
  applyKvCache,
  applyEngineFlags,
];

/**
 * Applies every enhancer to a copy of the pod, in the given order (the result does not depend on
 * it). `owned`: the caller already holds a private copy (the admission path), so it is edited.
 */
export function applyGpuAsk(
  pod: Pod,
  ask: GpuAsk,
  namespace: string,
  enhancers: readonly GpuEnhancer[] = GPU_ENHANCERS,
  owned = false,
): { pod: Pod; warnings: string[] } {
  const copy = owned ? pod : cloneJson(pod);
  const warnings = enhancers.flatMap((enhance) => enhance(copy, ask, namespace));
  return { pod: copy, warnings: [...new Set(warnings)] };
}

/** GPU sharing, KV-cache tiers and engine flags for a pod that asks for them by annotation. */
export function enhanceGpuPod(pod: Pod, namespace: string, view: ClusterReader, owned = false): Outcome<Pod> {
  if (!asksForGpuFeatures(pod.metadata?.annotations)) return success(pod);
  const ask = resolveGpuAsk(pod, namespace, view);
  if (!ask.ok) return ask;
  const command = checkEngineCommand(pod, ask.value);
  if (!command.ok) return command;
  const { pod: enhanced, warnings } = applyGpuAsk(pod, ask.value, namespace, GPU_ENHANCERS, owned);
  return success(enhanced, [...ask.warnings, ...warnings]);
}
