import type { Deployment, StatefulSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { AdmissionContext } from "./context.js";
import { isModelInferPod, resolveModelInferPlace } from "./enhancers/modelinfer-place.js";
import { failures, success, type Outcome } from "./enhancers/result.js";
import { DenialCode } from "./field-errors.js";
import { modelInferFindings } from "./validators/modelinfer.js";
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
import { GPUPoolKind, InferenceServiceKind, TokenCacheKind, type InferenceService } from "../src/apis/inference-ai.js";
import {
  inferenceServiceErrors,
  inferenceServiceWarnings,
  missingReferenceWarnings,
} from "./validators/inference-service.js";
import {
  InferenceCacheKind,
  PrefillDecodingDisaggregationKind,
  SpeculativeDecodingKind,
  InferenceGatewayKind,
  StackInferenceServiceKind,
  StaticRouteKind,
  type PrefillDecodingDisaggregation,
  type StackInferenceService,
} from "../src/apis/production-stack.js";
import { pddFlagFindings } from "./validators/pdd.js";
import {
  mergeFindings,
  nlpFilterFindings,
  validateInferenceGateway,
  validateStaticRoute,
} from "./validators/routing.js";
import { kindKey } from "../src/kube/kind.js";
import { afterCrdSchema } from "./validators/crd-gate.js";

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
  const place = resolveModelInferPlace(pod, namespace, ctx.view);
  return place.ok ? success(undefined, [...gpu.warnings, ...place.warnings]) : place;
}

/** A custom resource's findings as an admission outcome: denied with every problem, or allowed with the warnings. */
function fromFindings(check: (obj: never) => Findings): Validator {
  return (obj: unknown) => {
    const { problems, warnings } = check(obj as never);
    return problems.length > 0 ? failures(DenialCode.Invalid, problems) : success(undefined, warnings);
  };
}

/** The GPU findings, the engine's field errors, and warnings for a GPUPool or TokenCache not there yet. */
function validateInferenceService(obj: unknown, namespace: string, ctx: AdmissionContext): Outcome<unknown> {
  const svc = obj as InferenceService;
  const { problems, warnings } = inferenceServiceFindings(svc);
  const errors = [...problems, ...inferenceServiceErrors(svc)];
  if (errors.length > 0) return failures(DenialCode.Invalid, errors);
  const missing = ctx.view.hasSynced() ? missingReferenceWarnings(svc, namespace, ctx.view) : [];
  return success(undefined, [...warnings, ...inferenceServiceWarnings(svc), ...missing]);
}

const GPU_VALIDATORS: [string, Validator][] = [
  [kindKey(GPUPoolKind), fromFindings(gpuPoolFindings)],
  [kindKey(TokenCacheKind), fromFindings(tokenCacheFindings)],
  [kindKey(InferenceServiceKind), validateInferenceService],
  [
    kindKey(StackInferenceServiceKind),
    fromFindings((svc: StackInferenceService) =>
      mergeFindings(stackInferenceServiceFindings(svc), nlpFilterFindings(svc)),
    ),
  ],
  [kindKey(StaticRouteKind), validateStaticRoute],
  [kindKey(InferenceGatewayKind), validateInferenceGateway],
  [kindKey(InferenceCacheKind), fromFindings(inferenceCacheFindings)],
  [kindKey(SpeculativeDecodingKind), fromFindings(speculativeDecodingFindings)],
  [
    kindKey(PrefillDecodingDisaggregationKind),
    fromFindings((pdd: PrefillDecodingDisaggregation) => mergeFindings(pddFindings(pdd), pddFlagFindings(pdd))),
  ],
];

function validateStatefulSet(obj: unknown, namespace: string): Outcome<unknown> {
  const sts = obj as StatefulSet;
  return isRoleStatefulSet(sts) ? resolveStatefulSetGroup(sts, namespace) : success(undefined);
}

function validateModelInfer(
  obj: unknown,
  _namespace: string,
  _ctx: AdmissionContext,
  oldObject?: unknown,
): Outcome<unknown> {
  const mi = obj as ModelInfer;
  const old =
    typeof oldObject === "object" && oldObject !== null && Object.keys(oldObject).length > 0
      ? (oldObject as ModelInfer)
      : undefined;
  const { problems, warnings } = modelInferFindings(mi, old);
  return problems.length === 0 ? success(undefined, warnings) : failures(DenialCode.Invalid, problems);
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
    {
      validate: afterCrdSchema(kindKey(ModelInferKind), validateModelInfer),
      operations: new Set(["CREATE", "UPDATE"]),
      optInOnly: false,
    },
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
    { validate: afterCrdSchema(kind, validate), operations: new Set(["CREATE", "UPDATE"]), optInOnly: false },
  ]),
]);
