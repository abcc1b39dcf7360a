import assert from "node:assert/strict";
import type { Container, Pod } from "kubernetes-types/core/v1.js";
import { enhanceGpuPod } from "../../webhooks/gpu/enhance.js";
import { assertDenied } from "./denials.js";
import { assertValidKubernetes } from "./schema.js";
import { ClusterStores } from "../../src/cluster-view/stores.js";
import type { KubeObject } from "../../src/kube/object.js";

export const NS = "serving";

export function stores(...objects: KubeObject[]): ClusterStores {
  const s = new ClusterStores();
  for (const obj of objects) s.upsert({ ...obj, metadata: { namespace: NS, ...obj.metadata } });
  return s;
}

export function gpuPod(
  annotations: Record<string, string>,
  container: Partial<Pod["spec"] & object> & Record<string, unknown> = {},
): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "engine-0", namespace: NS, labels: { "inference.ai/managed": "true" }, annotations },
    spec: {
      containers: [
        {
          name: "engine",
          image: "vllm/vllm-openai:v0.10.1",
          command: ["vllm", "serve", "meta-llama/Llama-3.1-8B-Instruct"],
          ...container,
        },
      ],
    },
  };
}

export function pool(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: "inference.ai/v1alpha1", kind: "GPUPool", metadata: { name }, spec } as KubeObject;
}

export function tokenCache(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: "inference.ai/v1alpha1", kind: "TokenCache", metadata: { name }, spec } as KubeObject;
}

export function pdd(name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: "production-stack.vllm.ai/v1alpha1",
    kind: "PrefillDecodingDisaggregation",
    metadata: { name },
    spec: { modelName: "m", ...spec },
  } as KubeObject;
}

export function speculative(name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: "production-stack.vllm.ai/v1alpha1",
    kind: "SpeculativeDecoding",
    metadata: { name },
    spec,
  } as KubeObject;
}

export function inferenceCache(name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: "production-stack.vllm.ai/v1alpha1",
    kind: "InferenceCache",
    metadata: { name },
    spec,
  } as KubeObject;
}

/** The GPU enhancers on a pod, over these objects: the enhanced pod (valid by the Pod schema), its engine, the warnings. */
export function enhance(pod: Pod, ...objects: KubeObject[]): { pod: Pod; engine: Container; warnings: string[] } {
  const result = enhanceGpuPod(pod, NS, stores(...objects));
  assert.ok(result.ok, result.ok ? "" : JSON.stringify(result.errors));
  assertValidKubernetes(result.value);
  return { pod: result.value, engine: result.value.spec!.containers[0]!, warnings: result.warnings };
}

/** The GPU enhancers refuse the pod with this code, at this annotation. */
export function denied(pod: Pod, objects: KubeObject[], code: number, annotation: string): void {
  assertDenied(enhanceGpuPod(pod, NS, stores(...objects)), code, `metadata.annotations[${annotation}]`);
}

/** A container's env as name → value (valueFrom as JSON). */
export const env = (c: Container): Record<string, string> =>
  Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? JSON.stringify(e.valueFrom)]));
