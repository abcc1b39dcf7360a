import type { Deployment, StatefulSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { AdmissionContext } from "./context.js";
import { isModelInferPod, resolveModelInferPlace } from "./enhancers/modelinfer-place.js";
import { failure, success, type Outcome } from "./enhancers/result.js";
import { modelInferProblems } from "./validators/modelinfer.js";
import type { ModelInfer } from "../src/modelinfer/types.js";
import { isRoleStatefulSet, resolveStatefulSetGroup } from "./enhancers/statefulset.js";
import { validateDeployment } from "./validators/deployment.js";

export type Validator = (obj: unknown, namespace: string, ctx: AdmissionContext, oldObject?: unknown) => Outcome<unknown>;

function validatePod(obj: unknown, namespace: string, ctx: AdmissionContext): Outcome<unknown> {
  const pod = obj as Pod;
  if (!isModelInferPod(pod) || !ctx.view.hasSynced()) return success(undefined);
  return resolveModelInferPlace(pod, namespace, ctx.view);
}

function validateStatefulSet(obj: unknown, namespace: string): Outcome<unknown> {
  const sts = obj as StatefulSet;
  return isRoleStatefulSet(sts) ? resolveStatefulSetGroup(sts, namespace) : success(undefined);
}

function validateModelInfer(obj: unknown, namespace: string, _ctx: AdmissionContext, oldObject?: unknown): Outcome<unknown> {
  const mi = obj as ModelInfer;
  const old = typeof oldObject === "object" && oldObject !== null && Object.keys(oldObject).length > 0 ? (oldObject as ModelInfer) : undefined;
  const problems = modelInferProblems(mi, old);
  if (problems.length === 0) return success(undefined);
  return failure(422, `ModelInfer ${namespace}/${mi.metadata.name ?? ""} is invalid: ${problems.join("; and ")}`);
}

interface ValidatorEntry {
  validate: Validator;
  operations: ReadonlySet<string>;
  /** Workload kinds are only read when they opt in; custom resources always are. */
  optInOnly: boolean;
}

export const VALIDATORS: ReadonlyMap<string, ValidatorEntry> = new Map([
  ["v1/Pod", { validate: validatePod, operations: new Set(["CREATE"]), optInOnly: true }],
  ["apps/v1/StatefulSet", { validate: validateStatefulSet, operations: new Set(["CREATE", "UPDATE"]), optInOnly: true }],
  ["workload.matrixinfer.ai/v1alpha1/ModelInfer", { validate: validateModelInfer, operations: new Set(["CREATE", "UPDATE"]), optInOnly: false }],
  ["apps/v1/Deployment", { validate: (obj: unknown) => validateDeployment(obj as Deployment), operations: new Set(["CREATE", "UPDATE"]), optInOnly: true }],
]);
