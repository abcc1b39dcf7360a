import type { Pod, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import type { InferenceService, InferenceServiceSpec } from "../../src/apis/inference-ai.js";
import type { KubeObject } from "../../src/kube/object.js";
import type { AdmissionContext } from "../../webhooks/context.js";
import { StaticView } from "../support/static-view.js";

export const NS = "serving";

/** An InferenceService as a user writes it, with what the apiserver adds (uid, generation). */
export function inferenceService(
  name: string,
  spec: Partial<InferenceServiceSpec> = {},
  namespace = NS,
): InferenceService {
  return {
    apiVersion: "inference.ai/v1alpha1",
    kind: "InferenceService",
    metadata: { name, namespace, uid: `uid-${name}`, generation: 1 },
    spec: { model: { name: "meta-llama/Llama-3.1-8B-Instruct" }, ...spec },
  };
}

/** A pod as the ReplicaSet (or the ModelInfer controller) would post it from a template. */
export function podOf(template: PodTemplateSpec, name: string, namespace = NS): Pod & KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { ...structuredClone(template.metadata ?? {}), name, namespace },
    spec: structuredClone(template.spec ?? { containers: [] }),
  };
}

export function admission(objects: readonly KubeObject[] = []): AdmissionContext {
  return {
    view: new StaticView(objects),
    policy: { excludedNamespaces: new Set(["kube-system", "inferplane-system"]) },
  };
}

export function childOfKind<T>(children: readonly KubeObject[], kind: string): T {
  const found = children.find((c) => c.kind === kind);
  if (!found) throw new Error(`no ${kind} among ${children.map((c) => c.kind).join(", ")}`);
  return found as T;
}
