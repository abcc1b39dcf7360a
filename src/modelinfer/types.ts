import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";

/** API group, version and kind of MatrixInfer's ModelInfer (DESIGN §4). */
export const MODELINFER_GROUP = "workload.matrixinfer.ai";
export const MODELINFER_VERSION = "v1alpha1";
export const MODELINFER_API_VERSION = `${MODELINFER_GROUP}/${MODELINFER_VERSION}`;
export const MODELINFER_KIND = "ModelInfer";
export const MODELINFER_PLURAL = "modelinfers";

export interface NetworkTopology {
  mode?: "hard" | "soft";
  highestTierAllowed?: number;
}

export interface GangSchedule {
  networkTopology?: NetworkTopology;
  minRoleReplicas?: Record<string, number>;
}

export interface Role {
  name: string;
  replicas?: number;
  entryTemplate: PodTemplateSpec;
  workerReplicas?: number;
  workerTemplate?: PodTemplateSpec;
}

export interface InferGroupTemplate {
  restartGracePeriodSeconds?: number;
  gangSchedule?: GangSchedule;
  roles: Role[];
}

export interface RollingUpdateConfiguration {
  maxUnavailable?: number | string;
  maxSurge?: number | string;
  partition?: number;
}

export interface RolloutStrategy {
  type?: "InferGroupRollingUpdate";
  rollingUpdateConfiguration?: RollingUpdateConfiguration;
}

export type RecoveryPolicy = "InferGroupRecreate" | "RoleRecreate" | "None";

export interface ModelInferSpec {
  replicas?: number;
  schedulerName?: string;
  template: InferGroupTemplate;
  rolloutStrategy?: RolloutStrategy;
  recoveryPolicy?: RecoveryPolicy;
}

export interface ModelInfer {
  apiVersion: typeof MODELINFER_API_VERSION;
  kind: typeof MODELINFER_KIND;
  metadata: ObjectMeta;
  spec: ModelInferSpec;
  status?: Record<string, unknown>;
}

export function isModelInfer(obj: { apiVersion?: string; kind?: string }): obj is ModelInfer {
  return obj.apiVersion === MODELINFER_API_VERSION && obj.kind === MODELINFER_KIND;
}
