import type { Container, Pod } from "kubernetes-types/core/v1.js";
import type { ClusterReader } from "../../src/cluster-view/cluster-view.js";
import { asksForGpuFeatures } from "../gpu/annotations.js";
import { engineOf, resolveGpuAsk } from "../gpu/ask.js";
import { flagValue } from "../gpu/container-edits.js";
import { cpuTierFit } from "../gpu/kv-cache.js";
import { failure, success, type Outcome } from "../enhancers/result.js";
import { DenialCode, type FieldError } from "../field-errors.js";
import { int32, MAX_INT32, parseDecimal } from "../../src/kube/validation.js";

const TP_FLAGS = ["tensor-parallel-size", "tp-size", "tp_size"];

/** The engine's tensor parallel flags: plain decimal int32s ≥ 1 (engines parse them as ints), none above the pod's exclusive GPUs. */
function tensorParallelError(engine: Container, gpus: number | undefined, path: string): FieldError | undefined {
  for (const flag of TP_FLAGS) {
    const given = flagValue(engine, flag);
    if (given === undefined) continue;
    const tp = int32(parseDecimal(given), 1);
    if (tp === undefined)
      return {
        path,
        detail: `--${flag} ${JSON.stringify(given)} is not a whole number from 1 to ${MAX_INT32}`,
        fix: "write it in plain decimal digits, e.g. 2",
      };
    if (gpus !== undefined && tp > gpus)
      return {
        path,
        detail: `--${flag} ${tp} is above the ${gpus} GPUs the pod gets`,
        fix: "lower it or raise inference.ai/gpu-count",
      };
  }
  return undefined;
}

/**
 * A pod that asks for GPU features: everything it names exists and can work (the same checks the
 * mutation made), its engine's tensor parallelism is a whole number not above the GPUs it gets,
 * and its memory limit holds its TokenCache's CPU tier (422); a memory request below that tier is
 * a warning.
 */
export function validateGpuPod(pod: Pod, namespace: string, view: ClusterReader): Outcome<undefined> {
  if (!asksForGpuFeatures(pod.metadata?.annotations)) return success(undefined);
  const ask = resolveGpuAsk(pod, namespace, view);
  if (!ask.ok) return ask;
  const engine = engineOf(pod, ask.value);
  const gpus = ask.value.gpu?.mode === "exclusive" ? ask.value.gpu.count : undefined;
  const tp = tensorParallelError(engine, gpus, `spec.containers[${ask.value.engineIndex}].args`);
  if (tp) return failure(DenialCode.Invalid, tp);
  const fit = ask.value.tokenCache ? cpuTierFit(engine, ask.value.tokenCache) : {};
  if (fit.limit)
    return failure(DenialCode.Invalid, {
      path: `spec.containers[${ask.value.engineIndex}].resources.limits.memory`,
      detail: fit.limit,
      fix: "raise the limit above the tier (LMCache pins it in host memory), or use a smaller TokenCache",
    });
  return success(undefined, fit.request ? [fit.request] : []);
}
