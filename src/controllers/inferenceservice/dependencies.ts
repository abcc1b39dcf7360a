import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import { GPUPoolKind, TokenCacheKind, type InferenceService } from "../../apis/inference-ai.js";
import { CUSTOM_RESOURCE_DEFINITION, SECRET } from "../../kube/core-kinds.js";
import { SCALED_OBJECT_CRD } from "../../keda/scaled-object.js";
import { pipelineParallelism } from "../../engines/parallelism.js";
import { podGroupCrdRef } from "./gang.js";
import { referenceKey, type Lookups, type Reference } from "../runtime/reconciler.js";

/** A condition about one object the spec names. */
export interface Resolution {
  type: "GPUPoolResolved" | "CacheResolved" | "SourceResolved";
  ok: boolean;
  reason: string;
  message: string;
}

function secretRef(svc: InferenceService): Reference | undefined {
  const name = svc.spec.model.secretRef?.name;
  return name ? { kind: SECRET, namespace: svc.metadata.namespace ?? "default", name } : undefined;
}

/** KEDA's CRD, read when `auto` must choose between a ScaledObject and an HPA, or `keda` needs it. */
export function kedaCrdRef(): Reference {
  return { kind: CUSTOM_RESOURCE_DEFINITION, namespace: "", name: SCALED_OBJECT_CRD };
}

/** What the runtime reads before each pass: the source's Secret, with autoscaling KEDA's CRD, multi-node Volcano's PodGroup CRD. */
export function references(svc: InferenceService): Reference[] {
  const refs: Reference[] = [];
  const secret = secretRef(svc);
  if (secret) refs.push(secret);
  const strategy = svc.spec.autoscaling?.strategy ?? "auto";
  if ((svc.spec.autoscaling?.metrics ?? []).length > 0 && (strategy === "auto" || strategy === "keda"))
    refs.push(kedaCrdRef());
  if (pipelineParallelism(svc) > 1) refs.push(podGroupCrdRef());
  return refs;
}

/** KEDA installed: true, false, or undefined when not read (render) — then no ScaledObject unless asked. */
export function kedaInstalled(lookups: Lookups | undefined): boolean | undefined {
  return lookups?.get(referenceKey(kedaCrdRef()));
}

function poolResolution(svc: InferenceService, view: ClusterReader): Resolution {
  const pool = svc.spec.gpu?.pool;
  if (!pool) return { type: "GPUPoolResolved", ok: true, reason: "NoPool", message: "no GPUPool named" };
  return view.get(GPUPoolKind, svc.metadata.namespace ?? "default", pool)
    ? { type: "GPUPoolResolved", ok: true, reason: "Found", message: `GPUPool ${pool}` }
    : {
        type: "GPUPoolResolved",
        ok: false,
        reason: "GPUPoolNotFound",
        message: `GPUPool ${pool} does not exist; create it or fix spec.gpu.pool`,
      };
}

function cacheResolution(svc: InferenceService, view: ClusterReader): Resolution {
  const cache = svc.spec.cache?.tokenCacheRef;
  if (!cache) return { type: "CacheResolved", ok: true, reason: "NoTokenCache", message: "no TokenCache named" };
  return view.get(TokenCacheKind, svc.metadata.namespace ?? "default", cache)
    ? { type: "CacheResolved", ok: true, reason: "Found", message: `TokenCache ${cache}` }
    : {
        type: "CacheResolved",
        ok: false,
        reason: "TokenCacheNotFound",
        message: `TokenCache ${cache} does not exist; create it or fix spec.cache.tokenCacheRef`,
      };
}

function sourceResolution(svc: InferenceService, lookups: Lookups | undefined): Resolution {
  const ref = secretRef(svc);
  const source = svc.spec.model.source ?? "huggingface";
  if (!ref) return { type: "SourceResolved", ok: true, reason: "NoSecret", message: `${source}, no credentials` };
  const found = lookups?.get(referenceKey(ref));
  if (found === false)
    return {
      type: "SourceResolved",
      ok: false,
      reason: "SecretNotFound",
      message: `Secret ${ref.name} does not exist; create it (kubectl create secret generic ${ref.name} …)`,
    };
  return {
    type: "SourceResolved",
    ok: true,
    reason: found ? "SecretFound" : "SecretNotChecked",
    message: `${source} with Secret ${ref.name}`,
  };
}

/** The three objects the pods need, each resolved or not. Pure. */
export function resolutions(svc: InferenceService, view: ClusterReader, lookups: Lookups | undefined): Resolution[] {
  return [poolResolution(svc, view), cacheResolution(svc, view), sourceResolution(svc, lookups)];
}
