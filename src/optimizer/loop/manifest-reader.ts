import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { Node } from "kubernetes-types/core/v1.js";
import { InferenceServiceKind, type InferenceService } from "../../apis/inference-ai.js";
import { ModelInferKind, type ModelInfer } from "../../apis/matrixinfer.js";
import { CONFIG_MAP, DEPLOYMENT, NODE, POD } from "../../kube/core-kinds.js";
import { isKind } from "../../kube/kind.js";
import type { KubeObject } from "../../kube/object.js";
import type { OptimizerReader } from "./api.js";
import * as L from "./labels.js";
import type { SizableObjects } from "./workload.js";

/** Whether `labels` hold every `k=v` of an equality selector such as `a=b,c=d`. */
export function selects(selector: string, labels: Readonly<Record<string, string>> | undefined): boolean {
  return selector
    .split(",")
    .filter(Boolean)
    .every((term) => {
      const [key = "", value = ""] = term.split("=");
      return labels?.[key] === value;
    });
}

/**
 * The read side of a cycle over manifests instead of a cluster (the dry run): the same selection
 * the API client makes — Deployments and ModelInfers labelled inferno.server.managed=true,
 * InferenceServices with strategy optimizer — and the nodes and pods the files hold. Objects
 * without a namespace must have been given `default` already (withNamespace).
 */
export class ManifestReader implements OptimizerReader {
  constructor(private readonly objects: readonly KubeObject[]) {}

  private managed(obj: KubeObject): boolean {
    return obj.metadata?.labels?.[L.MANAGED] === "true";
  }

  configMap(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    const found = this.objects.find(
      (o) => isKind(o, CONFIG_MAP) && o.metadata?.namespace === namespace && o.metadata.name === name,
    ) as { data?: Record<string, string> } | undefined;
    return Promise.resolve(found ? (found.data ?? {}) : undefined);
  }

  sizable(): Promise<SizableObjects> {
    return Promise.resolve({
      deployments: this.objects.filter((o) => isKind(o, DEPLOYMENT) && this.managed(o)) as Deployment[],
      modelInfers: this.objects.filter((o) => isKind(o, ModelInferKind) && this.managed(o)) as ModelInfer[],
      inferenceServices: this.objects.filter(
        (o) => isKind(o, InferenceServiceKind) && o.spec.autoscaling?.strategy === "optimizer",
      ) as InferenceService[],
    });
  }

  nodes(): Promise<Node[]> {
    return Promise.resolve(this.objects.filter((o) => isKind(o, NODE)) as Node[]);
  }

  podNames(namespace: string, selector: string): Promise<string[]> {
    return Promise.resolve(
      this.objects
        .filter((o) => isKind(o, POD) && o.metadata?.namespace === namespace && selects(selector, o.metadata.labels))
        .map((o) => o.metadata?.name ?? ""),
    );
  }
}
