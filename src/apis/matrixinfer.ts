/**
 * MatrixInfer's workload API (`workload.matrixinfer.ai/v1alpha1`, now Kthena; DESIGN.md §4, seed
 * "Infer Controller"): the ModelInfer types generated from crds/workload.matrixinfer.ai_modelinfers.yaml,
 * and the labels and env variables that API defines for the pods it runs.
 */
import { apiVersionOf, isKind } from "../kube/kind.js";
import type { KubeObject } from "../kube/object.js";
import {
  ModelInferKind,
  type ModelInfer,
  type ModelInferSpec,
} from "./generated/modelinfers.workload.matrixinfer.ai.js";

export {
  ModelInferKind,
  type GangSchedule,
  type InferGroupTemplate,
  type ModelInfer,
  type ModelInferSpec,
  type ModelInferStatus,
  type NetworkTopology,
  type Role,
  type RollingUpdateConfiguration,
  type RolloutStrategy,
} from "./generated/modelinfers.workload.matrixinfer.ai.js";

export const MODELINFER_GROUP = ModelInferKind.group;
export const MODELINFER_VERSION = ModelInferKind.version;
export const MODELINFER_API_VERSION = apiVersionOf(ModelInferKind);
export const MODELINFER_KIND = ModelInferKind.kind;
export const MODELINFER_PLURAL = ModelInferKind.plural;

export type RecoveryPolicy = NonNullable<ModelInferSpec["recoveryPolicy"]>;

export function isModelInfer(obj: KubeObject): obj is ModelInfer {
  return isKind(obj, ModelInferKind);
}

const LABEL_PREFIX = "modelinfer.matrixinfer.ai";

/** Pod: the ModelInfer's name (seed "Infer Controller", Labels). */
export const LABEL_MODELINFER_NAME = `${LABEL_PREFIX}/name`;
/** Pod and Service: the InferGroup, `<mi>-<g>`. */
export const LABEL_GROUP_NAME = `${LABEL_PREFIX}/group-name`;
/** Pod and Service: the role's name, `decode`. */
export const LABEL_ROLE = `${LABEL_PREFIX}/role`;
/** Pod and Service: the role instance, `<role>-<r>`. */
export const LABEL_ROLE_ID = `${LABEL_PREFIX}/role-id`;
/** Pod: hash of the role templates without `replicas` (10 hex digits). */
export const LABEL_REVISION = `${LABEL_PREFIX}/revision`;
/** Pod: `"true"` on entry pods only. */
export const LABEL_ENTRY = `${LABEL_PREFIX}/entry`;

/** Pods in this role instance: workerReplicas + 1. */
export const ENV_GROUP_SIZE = "GROUP_SIZE";
/** `<entryPod>.<entryPod>.<namespace>`, resolvable through the role instance's headless Service. */
export const ENV_ENTRY_ADDRESS = "ENTRY_ADDRESS";
/** 0 on the entry pod, 1..workerReplicas on workers. */
export const ENV_WORKER_INDEX = "WORKER_INDEX";
