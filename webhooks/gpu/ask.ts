import { GPU_RESOURCE } from "../../src/nvidia/resources.js";
import type { Container, Node, Pod } from "kubernetes-types/core/v1.js";
import { NODE } from "../../src/kube/core-kinds.js";
import { parseOrdinal } from "../../src/kube/validation.js";
import { migCheck, type MigVerdict, type Problem } from "./mig-check.js";
import type { ClusterReader } from "../../src/cluster-view/cluster-view.js";
import type { KindRef } from "../../src/kube/kind.js";
import type { KubeObject } from "../../src/kube/object.js";
import { parseQuantity, QuantityError, quantityValue } from "../../src/kube/quantity.js";
import { mpsPinnedMemoryLimit } from "../../src/nvidia/mps.js";
import {
  GPUPoolKind,
  TokenCacheKind,
  type Backend,
  type GPUPool,
  type MigStrategy,
  type SharingMode,
  type TokenCache,
} from "../../src/apis/inference-ai.js";
import {
  InferenceCacheKind,
  PrefillDecodingDisaggregationKind,
  SpeculativeDecodingKind,
  type InferenceCache,
  type PdRole,
  type PrefillDecodingDisaggregation,
  type SpeculativeDecoding,
} from "../../src/apis/production-stack.js";
import { failure, success, type Outcome } from "../enhancers/result.js";
import { DenialCode, entryPath } from "../field-errors.js";
import * as A from "./annotations.js";

/** `metadata.annotations[<key>]`: where a pod asks for each GPU feature. */
export function annotationPath(key: string): string {
  return entryPath("metadata.annotations", key);
}

export type { Problem } from "./mig-check.js";

export interface GpuShare {
  mode: SharingMode;
  count: number;
  migProfile?: string;
  migStrategy: MigStrategy;
  product?: string;
  /** Extra node labels of the pool. */
  poolSelector: Record<string, string>;
  /** The device plugin renames shared GPUs to nvidia.com/gpu.shared. */
  sharedResource: boolean;
  /** MPS client limits: SM share in percent; pinned device memory in bytes (the pool's quantity, exact). */
  mps: { threadPercentage?: number; pinnedMemoryBytes?: number };
}

/** Everything a pod asked for, resolved against the objects it names. */
export interface GpuAsk {
  engineIndex: number;
  backend: Backend;
  gpu?: GpuShare;
  tokenCache?: TokenCache;
  pd?: { role: PdRole; pdd: PrefillDecodingDisaggregation };
  speculative?: SpeculativeDecoding;
}

const BACKENDS: readonly Backend[] = ["vllm", "sglang", "triton", "tensorrt-llm"];
const MODES: readonly SharingMode[] = ["exclusive", "mig", "mps", "timeslice"];

/** The object `name` of `kind`, which the pod names through `annotation`; 403 when this cluster has none. */
type Lookup = <T extends KubeObject>(kind: KindRef<T>, name: string, annotation: string) => Outcome<T>;

function lookupIn(view: ClusterReader, namespace: string): Lookup {
  return <T extends KubeObject>(kind: KindRef<T>, name: string, annotation: string): Outcome<T> => {
    const found = view.get(kind, namespace, name);
    const where = kind.namespaced ? ` in namespace ${namespace}` : "";
    return found
      ? success(found)
      : failure(DenialCode.Forbidden, {
          path: annotationPath(annotation),
          detail: `${kind.kind} "${name}" does not exist${where}`,
          fix: "create it or fix the annotation",
        });
  };
}

function engineIndex(pod: Pod): Outcome<number> {
  const wanted = pod.metadata?.annotations?.[A.ENGINE_CONTAINER];
  if (wanted === undefined) return success(0);
  const index = pod.spec?.containers.findIndex((c) => c.name === wanted) ?? -1;
  if (index < 0)
    return failure(DenialCode.Invalid, {
      path: annotationPath(A.ENGINE_CONTAINER),
      detail: `no container named "${wanted}"`,
      fix: `name one of ${(pod.spec?.containers ?? []).map((c) => c.name).join(", ")}`,
    });
  return success(index);
}

/** A GPU count as the annotation writes it: decimal digits of an int32 ≥ 1 ("0x10", "1e1", "2.0" are not). */
function countFrom(value: string | undefined, fallback: number): Outcome<number> {
  if (value === undefined) return success(fallback);
  const n = parseOrdinal(value);
  if (n === undefined || n < 1)
    return failure(DenialCode.Invalid, {
      path: annotationPath(A.GPU_COUNT),
      detail: `"${value}" is not a whole number of GPUs ≥ 1`,
      fix: 'write the count of whole GPUs, e.g. "2"',
    });
  return success(n);
}

/**
 * The whole GPUs of the PD side's resources; a fraction is refused (403: the cluster's PDD cannot
 * give a whole GPU, and the apiserver accepts only integer extended resources).
 */
function gpuFromPdd(pd: GpuAsk["pd"]): Outcome<number | undefined> {
  const resources = pd
    ? pd.role === "prefill"
      ? pd.pdd.spec.prefillResources
      : pd.pdd.spec.decodeResources
    : undefined;
  const gpus = resources?.limits?.[GPU_RESOURCE] ?? resources?.requests?.[GPU_RESOURCE];
  if (gpus === undefined) return success(undefined);
  const problem = wholeGpuProblem(gpus);
  if (!problem) return success(parseQuantity(gpus) / 1000);
  return failure(DenialCode.Forbidden, {
    path: annotationPath(A.PDD),
    detail: `PrefillDecodingDisaggregation ${pd?.pdd.metadata.name ?? ""}: ${GPU_RESOURCE} ${problem.detail}`,
    fix: `fix the PDD: ${problem.fix}`,
  });
}

/** An extended resource (a GPU) is a whole number: the apiserver refuses 500m or 1.5 of nvidia.com/gpu. */
export function wholeGpuProblem(value: string | number): Problem | undefined {
  try {
    const milli = parseQuantity(value);
    if (milli % 1000 === 0 && milli >= 0) return undefined;
  } catch (err) {
    if (!(err instanceof QuantityError)) throw err;
  }
  return { detail: `${JSON.stringify(value)} is not a whole number of GPUs`, fix: 'write whole GPUs, e.g. "2"' };
}

function migProblem(share: GpuShare, nodes: readonly Node[]): MigVerdict {
  if (!share.migProfile)
    return {
      problem: {
        detail: "MIG needs a profile",
        fix: `set ${A.MIG_PROFILE} (e.g. 3g.40gb) or the pool's sharing.profiles`,
      },
    };
  const checked = migCheck(share.migProfile, share.product, nodes);
  if (checked.problem || checked.invalid || share.migStrategy !== "single" || share.product) return checked;
  return {
    problem: {
      detail: "the MIG single strategy selects nodes by nvidia.com/gpu.product",
      fix: "set the pool's gpuProduct",
    },
  };
}

function shareMode(
  annotations: Record<string, string>,
  pool: GPUPool | undefined,
  pdGpus: number | undefined,
): string | undefined {
  const implied = annotations[A.GPU_COUNT] !== undefined || pdGpus !== undefined ? "exclusive" : undefined;
  return annotations[A.GPU_SHARING] ?? pool?.spec.sharing.mode ?? implied;
}

/**
 * An MPS pinned memory limit in bytes, or what is wrong with it: not a quantity, or under the
 * 1 MiB that CUDA_MPS_PINNED_DEVICE_MEM_LIMIT can express (src/nvidia/mps.ts).
 */
export function pinnedMemoryBytes(value: string | number): number | Problem {
  try {
    const bytes = quantityValue(value);
    if (mpsPinnedMemoryLimit(bytes) !== undefined) return bytes;
    return {
      detail: `${JSON.stringify(value)} is under 1Mi, the least MPS can limit`,
      fix: "write at least 1Mi, e.g. 8Gi",
    };
  } catch (err) {
    if (err instanceof QuantityError) return { detail: err.message, fix: "write it like 8Gi or 1536Mi" };
    throw err;
  }
}

function pinnedMemory(pool: GPUPool | undefined): Outcome<number | undefined> {
  const pinned = pool?.spec.sharing.mps?.pinnedMemoryLimit;
  if (pinned === undefined) return success(undefined);
  const bytes = pinnedMemoryBytes(pinned);
  if (typeof bytes === "number") return success(bytes);
  return failure(DenialCode.Forbidden, {
    path: annotationPath(A.GPU_POOL),
    detail: `GPUPool ${pool?.metadata.name ?? ""}: spec.sharing.mps.pinnedMemoryLimit: ${bytes.detail}`,
    fix: `fix the GPUPool: ${bytes.fix}`,
  });
}

function shareFrom(
  mode: SharingMode,
  count: number,
  annotations: Record<string, string>,
  pool: GPUPool | undefined,
  pinnedMemoryBytes: number | undefined,
): GpuShare {
  const sharing = pool?.spec.sharing;
  const share: GpuShare = {
    mode,
    count,
    migStrategy: "mixed",
    poolSelector: {},
    sharedResource: false,
    mps: { pinnedMemoryBytes },
  };
  if (!pool || !sharing) return { ...share, migProfile: annotations[A.MIG_PROFILE] };
  return {
    ...share,
    migProfile: annotations[A.MIG_PROFILE] ?? sharing.profiles?.[0]?.name,
    migStrategy: sharing.migStrategy ?? "mixed",
    product: pool.spec.gpuProduct,
    poolSelector: pool.spec.nodeSelector ?? {},
    sharedResource: sharing.renameSharedResource === true,
    mps: { threadPercentage: sharing.mps?.threadPercentage, pinnedMemoryBytes },
  };
}

function resolveShare(
  annotations: Record<string, string>,
  pool: GPUPool | undefined,
  pdGpus: number | undefined,
  nodes: () => readonly Node[],
): Outcome<GpuShare | undefined> {
  const modeText = shareMode(annotations, pool, pdGpus);
  if (modeText === undefined) return success(undefined);
  if (!(MODES as readonly string[]).includes(modeText))
    return failure(DenialCode.Invalid, {
      path: annotationPath(A.GPU_SHARING),
      detail: `"${modeText}" is not a sharing mode`,
      fix: `use one of ${MODES.join(", ")}`,
    });
  const count = countFrom(annotations[A.GPU_COUNT], pdGpus ?? 1);
  if (!count.ok) return count;
  const mode = modeText as SharingMode;
  if (mode === "mps" && count.value > 1)
    return failure(DenialCode.Invalid, {
      path: annotationPath(A.GPU_COUNT),
      detail: `${count.value} GPUs, but MPS shares one GPU between clients`,
      fix: "use exclusive GPUs for multi-GPU pods",
    });
  const pinned = pinnedMemory(pool);
  if (!pinned.ok) return pinned;
  const share = shareFrom(mode, count.value, annotations, pool, pinned.value);
  return mode === "mig" ? checkedMig(share, annotations, pool, nodes()) : success(share);
}

/** A MIG share, refused (403, at the annotation that chose the profile) or warned about by migCheck. */
function checkedMig(
  share: GpuShare,
  annotations: Record<string, string>,
  pool: GPUPool | undefined,
  nodes: readonly Node[],
): Outcome<GpuShare> {
  const { invalid, problem, warning } = migProblem(share, nodes);
  const via = annotations[A.MIG_PROFILE] !== undefined || !pool ? A.MIG_PROFILE : A.GPU_POOL;
  if (invalid) return failure(DenialCode.Invalid, { path: annotationPath(via), ...invalid });
  if (problem) return failure(DenialCode.Forbidden, { path: annotationPath(via), ...problem });
  const warnings = warning ? [warning] : [];
  // CUDA enumerates one MIG device per process: a tensor-parallel engine cannot span several.
  if (share.count > 1)
    warnings.push(
      `${share.count} MIG devices, but a CUDA process uses one: one engine cannot span them (use a larger profile)`,
    );
  return success(share, warnings);
}

function resolvePd(annotations: Record<string, string>, lookup: Lookup, via: string): Outcome<GpuAsk["pd"]> {
  const name = annotations[A.PDD];
  const role = annotations[A.PD_ROLE];
  if (name === undefined && role === undefined) return success(undefined);
  if (name === undefined)
    return failure(DenialCode.Invalid, {
      path: annotationPath(A.PDD),
      detail: `required with ${A.PD_ROLE}`,
      fix: "name the PrefillDecodingDisaggregation",
    });
  if (role !== "prefill" && role !== "decode")
    return failure(DenialCode.Invalid, {
      path: annotationPath(A.PD_ROLE),
      detail: role === undefined ? `required with ${A.PDD}` : `"${role}" is not a PD role`,
      fix: "use prefill or decode",
    });
  const pdd = lookup(PrefillDecodingDisaggregationKind, name, via);
  return pdd.ok ? success({ role, pdd: pdd.value }) : pdd;
}

interface Refs {
  pool?: GPUPool;
  tokenCache?: TokenCache;
  speculative?: SpeculativeDecoding;
  pd?: GpuAsk["pd"];
}

/** The object an annotation names, or nothing when the annotation is absent. */
function named<T extends KubeObject>(
  lookup: Lookup,
  kind: KindRef<T>,
  name: string | undefined,
  annotation: string,
): Outcome<T | undefined> {
  return name === undefined ? success(undefined) : lookup(kind, name, annotation);
}

/** A PD side may take its PDD from the InferenceCache it names. */
function withCachePdd(annotations: Record<string, string>, cache: InferenceCache | undefined): Record<string, string> {
  const pddRef = cache?.spec.pddRef;
  return pddRef && annotations[A.PDD] === undefined && annotations[A.PD_ROLE] !== undefined
    ? { ...annotations, [A.PDD]: pddRef }
    : annotations;
}

/**
 * A pod naming a PDD (or SD) itself and an InferenceCache naming another: which one configures the
 * engine would be a guess (403: the cache is the cluster's).
 */
function conflictingRefs(annotations: Record<string, string>, cache: InferenceCache | undefined): Outcome<undefined> {
  const pairs: [string, string | undefined, string][] = [
    [A.PDD, cache?.spec.pddRef, "pddRef"],
    [A.SPECULATIVE_DECODING, cache?.spec.sdRef, "sdRef"],
  ];
  for (const [annotation, viaCache, field] of pairs) {
    const own = annotations[annotation];
    if (own !== undefined && viaCache !== undefined && own !== viaCache)
      return failure(DenialCode.Forbidden, {
        path: annotationPath(annotation),
        detail: `names ${own}, but InferenceCache ${cache?.metadata.name ?? ""} (${A.INFERENCE_CACHE}) names ${viaCache} in spec.${field}`,
        fix: `name one: drop the annotation, or point the InferenceCache's ${field} at ${own}`,
      });
  }
  return success(undefined);
}

/** The objects the annotations name, directly or through an InferenceCache. */
function resolveRefs(annotations: Record<string, string>, lookup: Lookup): Outcome<Refs> {
  const cache = named(lookup, InferenceCacheKind, annotations[A.INFERENCE_CACHE], A.INFERENCE_CACHE);
  if (!cache.ok) return cache;
  const conflict = conflictingRefs(annotations, cache.value);
  if (!conflict.ok) return conflict;
  const pool = named(lookup, GPUPoolKind, annotations[A.GPU_POOL], A.GPU_POOL);
  if (!pool.ok) return pool;
  const tokenCache = named(lookup, TokenCacheKind, annotations[A.TOKEN_CACHE], A.TOKEN_CACHE);
  if (!tokenCache.ok) return tokenCache;
  const speculative = named(
    lookup,
    SpeculativeDecodingKind,
    annotations[A.SPECULATIVE_DECODING] ?? cache.value?.spec.sdRef,
    annotations[A.SPECULATIVE_DECODING] === undefined ? A.INFERENCE_CACHE : A.SPECULATIVE_DECODING,
  );
  if (!speculative.ok) return speculative;
  const pd = resolvePd(
    withCachePdd(annotations, cache.value),
    lookup,
    annotations[A.PDD] === undefined ? A.INFERENCE_CACHE : A.PDD,
  );
  if (!pd.ok) return pd;
  return success({ pool: pool.value, tokenCache: tokenCache.value, speculative: speculative.value, pd: pd.value });
}

/** Reads the pod's annotations and the objects they name; refuses, naming it, anything missing or impossible. */
export function resolveGpuAsk(pod: Pod, namespace: string, view: ClusterReader): Outcome<GpuAsk> {
  const annotations = pod.metadata?.annotations ?? {};
  const index = engineIndex(pod);
  if (!index.ok) return index;
  const backend = annotations[A.BACKEND] ?? "vllm";
  if (!(BACKENDS as readonly string[]).includes(backend))
    return failure(DenialCode.Invalid, {
      path: annotationPath(A.BACKEND),
      detail: `"${backend}" is not a backend inferplane knows`,
      fix: `use one of ${BACKENDS.join(", ")}`,
    });
  const refs = resolveRefs(annotations, lookupIn(view, namespace));
  if (!refs.ok) return refs;
  const { pool, tokenCache, speculative, pd } = refs.value;
  const pdBackend = pd?.pdd.spec.engine;
  const pdGpus = gpuFromPdd(pd);
  if (!pdGpus.ok) return pdGpus;
  const gpu = resolveShare(annotations, pool, pdGpus.value, () => view.list(NODE));
  if (!gpu.ok) return gpu;
  return success(
    {
      engineIndex: index.value,
      backend: annotations[A.BACKEND] === undefined && pdBackend ? pdBackend : (backend as Backend),
      gpu: gpu.value,
      tokenCache,
      pd,
      speculative,
    },
    gpu.warnings,
  );
}

export function engineOf(pod: Pod, ask: GpuAsk): Container {
  const container = pod.spec?.containers[ask.engineIndex];
  if (!container) throw new Error(`engine container ${ask.engineIndex} missing`);
  return container;
}
