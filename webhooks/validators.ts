import { DenialCode } from "./field-errors.js";
import type { Deployment, StatefulSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { AdmissionContext } from "./context.js";
import { isModelInferPod, resolveModelInferPlace } from "./enhancers/modelinfer-place.js";
import { failure, success, type Outcome } from "./enhancers/result.js";
import { modelInferProblems } from "./validators/modelinfer.js";
import { ModelInferKind, type ModelInfer } from "../src/apis/matrixinfer.js";
import { isRoleStatefulSet, resolveStatefulSetGroup } from "./enhancers/statefulset.js";
import { validateDeployment } from "./validators/deployment.js";
import { validateGpuPod } from "./validators/gpu-pod.js";
import type { Findings } from "./validators/findings.js";
import {
  gpuPoolFindings,
  inferenceCacheFindings,
  inferenceServiceFindings,
  pddFindings,
  speculativeDecodingFindings,
  stackInferenceServiceFindings,
  tokenCacheFindings,
} from "./validators/gpu-resources.js";
import { GPUPoolKind, InferenceServiceKind, TokenCacheKind } from "../src/apis/inference-ai.js";
import {
  InferenceCacheKind,
  PrefillDecodingDisaggregationKind,
  SpeculativeDecodingKind,
  StackInferenceServiceKind,
} from "../src/apis/production-stack.js";
import { kindKey } from "../src/kube/kind.js";

export type Validator = (
  obj: unknown,
  namespace: string,
  ctx: AdmissionContext,
  oldObject?: unknown,
) => Outcome<unknown>;

function validatePod(obj: unknown, namespace: string, ctx: AdmissionContext): Outcome<unknown> {
  const pod = obj as Pod;
  if (!ctx.view.hasSynced()) return success(undefined);
  const gpu = validateGpuPod(pod, namespace, ctx.view);
  if (!gpu.ok || !isModelInferPod(pod)) return gpu;
  return resolveModelInferPlace(pod, namespace, ctx.view);
}

/** A custom resource's findings as an admission outcome: denied with every problem, or allowed with the warnings. */
function fromFindings(kind: string, check: (obj: never) => Findings): Validator {
  return (obj: unknown, namespace: string) => {
    const { problems, warnings } = check(obj as never);
    const name = (obj as { metadata?: { name?: string } }).metadata?.name ?? "";
    if (problems.length > 0)
      return failure(DenialCode.Invalid, `${kind} ${namespace}/${name} is invalid: ${problems.join("; and ")}`);
    return success(undefined, warnings);
  };
}

const GPU_VALIDATORS: [string, Validator][] = [
  [kindKey(GPUPoolKind), fromFindings("GPUPool", gpuPoolFindings)],
  [kindKey(TokenCacheKind), fromFindings("TokenCache", tokenCacheFindings)],
  [kindKey(InferenceServiceKind), fromFindings("InferenceService", inferenceServiceFindings)],
  [kindKey(StackInferenceServiceKind), fromFindings("InferenceService", stackInferenceServiceFindings)],
  [kindKey(InferenceCacheKind), fromFindings("InferenceCache", inferenceCacheFindings)],
  [kindKey(SpeculativeDecodingKind), fromFindings("SpeculativeDecoding", speculativeDecodingFindings)],
  [kindKey(PrefillDecodingDisaggregationKind), fromFindings("PrefillDecodingDisaggregation", pddFindings)],
];

function validateStatefulSet(obj: unknown, namespace: string): Outcome<unknown> {
  const sts = obj as StatefulSet;
  return isRoleStatefulSet(sts) ? resolveStatefulSetGroup(sts, namespace) : success(undefined);
}

function validateModelInfer(
  obj: unknown,
  namespace: string,
  _ctx: AdmissionContext,
  oldObject?: unknown,
): Outcome<unknown> {
  const mi = obj as ModelInfer;
  const old =
    typeof oldObject === "object" && oldObject !== null && Object.keys(oldObject).length > 0
      ? (oldObject as ModelInfer)
      : undefined;
  const problems = modelInferProblems(mi, old);
  if (problems.length === 0) return success(undefined);
  return failure(
    DenialCode.Invalid,
    `ModelInfer ${namespace}/${mi.metadata.name ?? ""} is invalid: ${problems.join("; and ")}`,
  );
}

interface ValidatorEntry {
  validate: Validator;
  operations: ReadonlySet<string>;
  /** Workload kinds are only read when they opt in; custom resources always are. */
  optInOnly: boolean;
}

export const VALIDATORS: ReadonlyMap<string, ValidatorEntry> = new Map([
  ["v1/Pod", { validate: validatePod, operations: new Set(["CREATE"]), optInOnly: true }],
  [
    "apps/v1/StatefulSet",
    { validate: validateStatefulSet, operations: new Set(["CREATE", "UPDATE"]), optInOnly: true },
  ],
  [
    kindKey(ModelInferKind),
    { validate: validateModelInfer, operations: new Set(["CREATE", "UPDATE"]), optInOnly: false },
  ],
  [
    "apps/v1/Deployment",
    {
      validate: (obj: unknown) => validateDeployment(obj as Deployment),
      operations: new Set(["CREATE", "UPDATE"]),
      optInOnly: true,
    },
  ],
  ...GPU_VALIDATORS.map(([kind, validate]): [string, ValidatorEntry] => [
    kind,
    { validate, operations: new Set(["CREATE", "UPDATE"]), optInOnly: false },
  ]),
]);
