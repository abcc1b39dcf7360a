import type { Container, Pod } from "kubernetes-types/core/v1.js";
import type { ClusterReader } from "../../src/cluster-view/cluster-view.js";
import { asksForGpuFeatures } from "../gpu/annotations.js";
import { engineOf, resolveGpuAsk, type GpuAsk } from "../gpu/ask.js";
import { flagValue } from "../gpu/container-edits.js";
import { cpuTierFit } from "../gpu/kv-cache.js";
import { failure, success, type Outcome } from "../enhancers/result.js";
import { DenialCode, type FieldError } from "../field-errors.js";
import { int32, MAX_INT32, parseDecimal } from "../../src/kube/validation.js";

/** Tensor parallelism's canonical name on each engine's command line (src/engines/*: cli). */
const TP_FLAG: Record<string, string> = { vllm: "tensor-parallel-size", sglang: "tp-size", "tensorrt-llm": "tp_size" };

/**
 * The engine's tensor parallelism, in any spelling: plain decimal digits of an int32 ≥ 1 (the
 * engines parse it with int(); Number() would read "0x2" or "1e0"), not above the whole GPUs the
 * pod gets.
 */
function tensorParallelProblem(engine: Container, ask: GpuAsk): FieldError | undefined {
  const flag = TP_FLAG[ask.backend];
  const given = flag === undefined ? undefined : flagValue(engine, flag, ask.backend);
  if (given === undefined) return undefined;
  const path = `spec.containers[${ask.engineIndex}].args`;
  const tp = int32(parseDecimal(given), 1);
  if (tp === undefined)
    return {
      path,
      detail: `--${flag} ${JSON.stringify(given)} is not a whole number from 1 to ${MAX_INT32}`,
      fix: "write it in plain decimal digits, e.g. 2",
    };
  const gpus = ask.gpu?.mode === "exclusive" ? ask.gpu.count : undefined;
  if (gpus === undefined || tp <= gpus) return undefined;
  return {
    path,
    detail: `--${flag} ${tp} is above the ${gpus} GPUs the pod gets`,
    fix: "lower it or raise inference.ai/gpu-count",
  };
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
  const tp = tensorParallelProblem(engine, ask.value);
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
