import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from "@kubernetes/client-node";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { Node } from "kubernetes-types/core/v1.js";
import { InferenceServiceKind, type InferenceService } from "../../apis/inference-ai.js";
import { ModelInferKind, type ModelInfer } from "../../apis/matrixinfer.js";
import { CONDITION_SIZED } from "../../apis/optimizer.js";
import { statusCode } from "../../kube/api-errors.js";
import { eventFor } from "../../kube/api-event.js";
import { condition, withCondition, type Condition } from "../../kube/conditions.js";
import { DEPLOYMENT, EVENT, NODE, POD } from "../../kube/core-kinds.js";
import { apiVersionOf, type KindRef } from "../../kube/kind.js";
import type { KubeObject } from "../../kube/object.js";
import type { WorkloadChange } from "./change.js";
import * as L from "./labels.js";
import { WORKLOAD_KINDS, type SizableObjects } from "./workload.js";

/** What a cycle reads: a live cluster, or the manifests of a dry run. */
export interface OptimizerReader {
  /** The ConfigMap's data, or undefined when it does not exist. */
  configMap(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** Managed Deployments and ModelInfers (label inferno.server.managed=true), InferenceServices with strategy optimizer. */
  sizable(): Promise<SizableObjects>;
  nodes(): Promise<Node[]>;
  /** Names of the pods in `namespace` that carry the labels of `selector` (`k=v,k2=v2`). */
  podNames(namespace: string, selector: string): Promise<string[]>;
}

/** What the control loop reads and writes in the cluster; an interface so the loop is tested through the real client against the API double. */
export interface OptimizerCluster extends OptimizerReader {
  /** Sends the change's merge patch, if it has one. */
  apply(change: WorkloadChange): Promise<void>;
  /** Writes the change's Sized condition into the object's status, if it has one. */
  writeSized(change: WorkloadChange, now: Date): Promise<void>;
  event(change: WorkloadChange): Promise<void>;
  writeConfigMap(namespace: string, name: string, data: Record<string, string>): Promise<void>;
}

/** One RBAC permission: verbs on a kind's resource or subresource. */
export interface Access {
  kind: KindRef;
  subresource?: "scale" | "status";
  verbs: readonly string[];
}

/**
 * Every cluster-wide request ApiOptimizerCluster makes, as RBAC names it (its own two ConfigMaps
 * are read and written by name in the release namespace, through a Role). The chart grants these
 * under optimizer.enabled; a chart test checks that it does.
 */
export const LOOP_ACCESS: readonly Access[] = [
  { kind: DEPLOYMENT, verbs: ["list", "patch"] },
  { kind: ModelInferKind, verbs: ["get", "list"] },
  { kind: ModelInferKind, subresource: "scale", verbs: ["patch"] },
  { kind: ModelInferKind, subresource: "status", verbs: ["update"] },
  { kind: InferenceServiceKind, verbs: ["get", "list", "patch"] },
  { kind: InferenceServiceKind, subresource: "status", verbs: ["update"] },
  { kind: POD, verbs: ["list"] },
  { kind: NODE, verbs: ["list"] },
  { kind: EVENT, verbs: ["create"] },
];

/** Tries of the Sized read-modify-write when the object changed in between (409). */
const STATUS_TRIES = 3;

type WithConditions = KubeObject & { status?: { conditions?: Condition[] } & Record<string, unknown> };

export class ApiOptimizerCluster implements OptimizerCluster {
  private readonly apps: AppsV1Api;
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;

  constructor(kubeconfig: KubeConfig) {
    this.apps = kubeconfig.makeApiClient(AppsV1Api);
    this.core = kubeconfig.makeApiClient(CoreV1Api);
    this.custom = kubeconfig.makeApiClient(CustomObjectsApi);
  }

  /** Every object of a custom kind; none when its CRD is not installed (404). */
  private async listCustom<T>(kind: KindRef, labelSelector?: string): Promise<T[]> {
    try {
      const list = (await this.custom.listCustomObjectForAllNamespaces({
        group: kind.group,
        version: kind.version,
        plural: kind.plural,
        ...(labelSelector ? { labelSelector } : {}),
      })) as { items?: T[] };
      return list.items ?? [];
    } catch (err) {
      if (statusCode(err) === 404) return [];
      throw err;
    }
  }

  async sizable(): Promise<SizableObjects> {
    const managed = `${L.MANAGED}=true`;
    const [deployments, modelInfers, services] = await Promise.all([
      this.apps.listDeploymentForAllNamespaces({ labelSelector: managed }),
      this.listCustom<ModelInfer>(ModelInferKind, managed),
      this.listCustom<InferenceService>(InferenceServiceKind),
    ]);
    return {
      deployments: deployments.items as Deployment[],
      modelInfers,
      inferenceServices: services.filter((s) => s.spec.autoscaling?.strategy === "optimizer"),
    };
  }

  async configMap(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    try {
      return (await this.core.readNamespacedConfigMap({ namespace, name })).data ?? {};
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw err;
    }
  }

  async nodes(): Promise<Node[]> {
    return (await this.core.listNode()).items as Node[];
  }

  async podNames(namespace: string, selector: string): Promise<string[]> {
    const pods = await this.core.listNamespacedPod({ namespace, labelSelector: selector });
    return pods.items.map((p) => p.metadata?.name ?? "").filter(Boolean);
  }

  async apply(change: WorkloadChange): Promise<void> {
    const { ref, patch } = change;
    if (!patch) return;
    const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
    if (ref.kind === "Deployment") {
      await this.apps.patchNamespacedDeployment(
        { namespace: ref.namespace, name: ref.name, body: patch.body },
        mergePatch,
      );
      return;
    }
    const kind = WORKLOAD_KINDS[ref.kind];
    const target = { group: kind.group, version: kind.version, plural: kind.plural, namespace: ref.namespace };
    const request = { ...target, name: ref.name, body: patch.body };
    if (patch.subresource === "scale") await this.custom.patchNamespacedCustomObjectScale(request, mergePatch);
    else await this.custom.patchNamespacedCustomObject(request, mergePatch);
  }

  /**
   * Read, set Sized, replace the status with the resourceVersion read: a 409 (the object's own
   * controller wrote in between) reads again. The controllers carry Sized forward in their own
   * status writes (Reconciler.keepsConditions), which are as optimistic, so neither erases the other.
   */
  async writeSized(change: WorkloadChange, now: Date): Promise<void> {
    const { ref, sized } = change;
    if (!sized || ref.kind === "Deployment") return;
    const kind = WORKLOAD_KINDS[ref.kind];
    const path = {
      group: kind.group,
      version: kind.version,
      plural: kind.plural,
      namespace: ref.namespace,
      name: ref.name,
    };
    for (let attempt = 1; ; attempt++) {
      const obj = (await this.custom.getNamespacedCustomObject(path)) as WithConditions;
      const previous = obj.status?.conditions ?? [];
      const next = condition(
        CONDITION_SIZED,
        sized.status,
        sized.reason,
        sized.message,
        previous,
        now.toISOString(),
        obj.metadata?.generation,
      );
      const body = { ...obj, status: { ...obj.status, conditions: withCondition(previous, next) } };
      try {
        await this.custom.replaceNamespacedCustomObjectStatus({ ...path, body });
        return;
      } catch (err) {
        if (statusCode(err) !== 409 || attempt >= STATUS_TRIES) throw err;
      }
    }
  }

  async event(change: WorkloadChange): Promise<void> {
    if (!change.event) return;
    const { ref } = change;
    const involved = {
      apiVersion: apiVersionOf(WORKLOAD_KINDS[ref.kind]),
      kind: ref.kind,
      name: ref.name,
      namespace: ref.namespace,
      ...(ref.uid ? { uid: ref.uid } : {}),
    };
    const { type, reason, message } = change.event;
    await this.core.createNamespacedEvent({
      namespace: ref.namespace,
      body: eventFor(involved, type, reason, message, "inferplane-optimizer"),
    });
  }

  async writeConfigMap(namespace: string, name: string, data: Record<string, string>): Promise<void> {
    const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data };
    try {
      await this.core.replaceNamespacedConfigMap({ namespace, name, body });
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
      await this.core.createNamespacedConfigMap({ namespace, body });
    }
  }
}
