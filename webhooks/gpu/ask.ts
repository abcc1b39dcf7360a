import { DenialCode } from "../field-errors.js";
import { GPU_RESOURCE } from "../../src/nvidia/resources.js";
import type { Container, Pod } from "kubernetes-types/core/v1.js";
import type { ClusterReader } from "../../src/cluster-view/cluster-view.js";
import type { KindRef } from "../../src/kube/kind.js";
import type { KubeObject } from "../../src/kube/object.js";
import { parseQuantity, QuantityError } from "../../src/kube/quantity.js";
import { anyProfile, profilesFor } from "../../src/nvidia/mig.js";
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
import * as A from "./annotations.js";

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
  mps: { threadPercentage?: number; pinnedMemoryGb?: number };
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

type Lookup = <T extends KubeObject>(kind: KindRef<T>, name: string) => Outcome<T>;

function lookupIn(view: ClusterReader, namespace: string): Lookup {
  return <T extends KubeObject>(kind: KindRef<T>, name: string): Outcome<T> => {
    const found = view.get(kind, namespace, name);
    const where = kind.namespaced ? ` in namespace ${namespace}` : "";
    return found
      ? success(found)
      : failure(DenialCode.Forbidden, `${kind.kind} "${name}" does not exist${where}; create it or fix the annotation`);
  };
}

function engineIndex(pod: Pod): Outcome<number> {
  const wanted = pod.metadata?.annotations?.[A.ENGINE_CONTAINER];
  if (wanted === undefined) return success(0);
  const index = pod.spec?.containers.findIndex((c) => c.name === wanted) ?? -1;
  if (index < 0)
    return failure(
      DenialCode.Invalid,
      `${A.ENGINE_CONTAINER}: no container named "${wanted}"; name one of ${(pod.spec?.containers ?? []).map((c) => c.name).join(", ")}`,
    );
  return success(index);
}

/** GB as LMCache and MPS read them: binary suffixes in GiB, decimal in GB. */
export function gigabytes(quantity: string | number): number {
  const milli = parseQuantity(quantity);
  const binary = typeof quantity === "string" && /i$/.test(quantity.trim());
  return milli / 1000 / (binary ? 2 ** 30 : 1e9);
}

function countFrom(value: string | undefined, fallback: number): Outcome<number> {
  if (value === undefined) return success(fallback);
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    return failure(DenialCode.Invalid, `${A.GPU_COUNT}: "${value}" is not a whole number of GPUs ≥ 1`);
  return success(n);
}

function gpuFromPdd(pd: GpuAsk["pd"]): number | undefined {
  const resources = pd
    ? pd.role === "prefill"
      ? pd.pdd.spec.prefillResources
      : pd.pdd.spec.decodeResources
    : undefined;
  const gpus = resources?.limits?.[GPU_RESOURCE] ?? resources?.requests?.[GPU_RESOURCE];
  return gpus === undefined ? undefined : Math.round(parseQuantity(gpus) / 1000);
}

/** Why a MIG profile cannot be used on a product (any A100/H100/H200 profile when the product is not given). */
export function migProfileProblem(profile: string, product: string | undefined): string | undefined {
  const known = product ? profilesFor(product) : undefined;
  if (product && known?.length === 0) return `${product} has no MIG; use sharing exclusive, mps or timeslice`;
  if (known ? known.some((p) => p.name === profile) : anyProfile(profile) !== undefined) return undefined;
  const names = (known ?? []).map((p) => p.name).join(", ");
  return `MIG profile ${profile} does not exist${product ? ` on ${product}` : ""}${names ? `; use one of ${names}` : ""}`;
}

function migProblem(share: GpuShare): string | undefined {
  if (!share.migProfile)
    return `MIG needs a profile: set ${A.MIG_PROFILE} (e.g. 3g.40gb) or the pool's sharing.profiles`;
  const problem = migProfileProblem(share.migProfile, share.product);
  if (problem) return problem;
  return share.migStrategy === "single" && !share.product
    ? "MIG single strategy selects nodes by nvidia.com/gpu.product: set the pool's gpuProduct"
    : undefined;
}

function shareMode(
  annotations: Record<string, string>,
  pool: GPUPool | undefined,
  pdGpus: number | undefined,
): string | undefined {
  const implied = annotations[A.GPU_COUNT] !== undefined || pdGpus !== undefined ? "exclusive" : undefined;
  return annotations[A.GPU_SHARING] ?? pool?.spec.sharing.mode ?? implied;
}

function pinnedMemory(pool: GPUPool | undefined): Outcome<number | undefined> {
  const pinned = pool?.spec.sharing.mps?.pinnedMemoryLimit;
  if (pinned === undefined) return success(undefined);
  try {
    return success(gigabytes(pinned));
  } catch (err) {
    if (err instanceof QuantityError)
      return failure(
        DenialCode.Forbidden,
        `GPUPool ${pool?.metadata.name ?? ""}: sharing.mps.pinnedMemoryLimit: ${err.message}`,
      );
    throw err;
  }
}

function shareFrom(
  mode: SharingMode,
  count: number,
  annotations: Record<string, string>,
  pool: GPUPool | undefined,
  pinnedMemoryGb: number | undefined,
): GpuShare {
  const sharing = pool?.spec.sharing;
  const share: GpuShare = {
    mode,
    count,
    migStrategy: "mixed",
    poolSelector: {},
    sharedResource: false,
    mps: { pinnedMemoryGb },
  };
  if (!pool || !sharing) return { ...share, migProfile: annotations[A.MIG_PROFILE] };
  return {
    ...share,
    migProfile: annotations[A.MIG_PROFILE] ?? sharing.profiles?.[0]?.name,
    migStrategy: sharing.migStrategy ?? "mixed",
    product: pool.spec.gpuProduct,
    poolSelector: pool.spec.nodeSelector ?? {},
    sharedResource: sharing.renameSharedResource === true,
    mps: { threadPercentage: sharing.mps?.threadPercentage, pinnedMemoryGb },
  };
}

function resolveShare(
  annotations: Record<string, string>,
  pool: GPUPool | undefined,
  pdGpus: number | undefined,
): Outcome<GpuShare | undefined> {
  const modeText = shareMode(annotations, pool, pdGpus);
  if (modeText === undefined) return success(undefined);
  if (!(MODES as readonly string[]).includes(modeText))
    return failure(DenialCode.Invalid, `${A.GPU_SHARING}: "${modeText}" is not one of ${MODES.join(", ")}`);
  const count = countFrom(annotations[A.GPU_COUNT], pdGpus ?? 1);
  if (!count.ok) return count;
  const mode = modeText as SharingMode;
  if (mode === "mps" && count.value > 1)
    return failure(
      DenialCode.Invalid,
      `MPS shares one GPU between clients: ${A.GPU_COUNT} ${count.value} is more than one; use exclusive GPUs for multi-GPU pods`,
    );
  const pinned = pinnedMemory(pool);
  if (!pinned.ok) return pinned;
  const share = shareFrom(mode, count.value, annotations, pool, pinned.value);
  const problem = mode === "mig" ? migProblem(share) : undefined;
  return problem ? failure(DenialCode.Forbidden, problem) : success(share);
}

function resolvePd(annotations: Record<string, string>, lookup: Lookup): Outcome<GpuAsk["pd"]> {
  const name = annotations[A.PDD];
  const role = annotations[A.PD_ROLE];
  if (name === undefined && role === undefined) return success(undefined);
  if (name === undefined)
    return failure(DenialCode.Invalid, `${A.PD_ROLE} needs ${A.PDD} naming the PrefillDecodingDisaggregation`);
  if (role !== "prefill" && role !== "decode")
    return failure(
      DenialCode.Invalid,
      `${A.PD_ROLE} must be prefill or decode (got ${role === undefined ? "nothing" : `"${role}"`})`,
    );
  const pdd = lookup(PrefillDecodingDisaggregationKind, name);
  return pdd.ok ? success({ role, pdd: pdd.value }) : pdd;
}

interface Refs {
  pool?: GPUPool;
  tokenCache?: TokenCache;
  speculative?: SpeculativeDecoding;
  pd?: GpuAsk["pd"];
}

/** The objects the annotations name, directly or through an InferenceCache. */
/** The object an annotation names, or nothing when the annotation is absent. */
function named<T extends KubeObject>(
  lookup: Lookup,
  kind: KindRef<T>,
  name: string | undefined,
): Outcome<T | undefined> {
  return name === undefined ? success(undefined) : lookup(kind, name);
}

/** A PD side may take its PDD from the InferenceCache it names. */
function withCachePdd(annotations: Record<string, string>, cache: InferenceCache | undefined): Record<string, string> {
  const pddRef = cache?.spec.pddRef;
  return pddRef && annotations[A.PDD] === undefined && annotations[A.PD_ROLE] !== undefined
    ? { ...annotations, [A.PDD]: pddRef }
    : annotations;
}

function resolveRefs(annotations: Record<string, string>, lookup: Lookup): Outcome<Refs> {
  const cache = named(lookup, InferenceCacheKind, annotations[A.INFERENCE_CACHE]);
  if (!cache.ok) return cache;
  const pool = named(lookup, GPUPoolKind, annotations[A.GPU_POOL]);
  if (!pool.ok) return pool;
  const tokenCache = named(lookup, TokenCacheKind, annotations[A.TOKEN_CACHE]);
  if (!tokenCache.ok) return tokenCache;
  const speculative = named(
    lookup,
    SpeculativeDecodingKind,
    annotations[A.SPECULATIVE_DECODING] ?? cache.value?.spec.sdRef,
  );
  if (!speculative.ok) return speculative;
  const pd = resolvePd(withCachePdd(annotations, cache.value), lookup);
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
    return failure(DenialCode.Invalid, `${A.BACKEND}: "${backend}" is not one of ${BACKENDS.join(", ")}`);
  const refs = resolveRefs(annotations, lookupIn(view, namespace));
  if (!refs.ok) return refs;
  const { pool, tokenCache, speculative, pd } = refs.value;
  const pdBackend = pd?.pdd.spec.engine;
  const gpu = resolveShare(annotations, pool, gpuFromPdd(pd));
  if (!gpu.ok) return gpu;
  return success({
    engineIndex: index.value,
    backend: annotations[A.BACKEND] === undefined && pdBackend ? pdBackend : (backend as Backend),
    gpu: gpu.value,
    tokenCache,
    pd,
    speculative,
  });
}

export function engineOf(pod: Pod, ask: GpuAsk): Container {
  const container = pod.spec?.containers[ask.engineIndex];
  if (!container) throw new Error(`engine container ${ask.engineIndex} missing`);
  return container;
}
