import { GPU_RESOURCE, isGpuResource, LABEL_GPU_PRODUCT, MAX_GPUS_PER_NODE } from "../../src/nvidia/resources.js";
import {
  anyProfile,
  geometryOf,
  migProductLabel,
  packLayout,
  profilesFor,
  type MigCount,
  type MigProfile,
} from "../../src/nvidia/mig.js";
import type { GPUPool, InferenceService, TokenCache } from "../../src/apis/inference-ai.js";
import type {
  InferenceCache,
  PrefillDecodingDisaggregation,
  SpeculativeDecoding,
  StackInferenceService,
} from "../../src/apis/production-stack.js";
import { parseQuantity } from "../../src/kube/quantity.js";
import type { FieldError } from "../field-errors.js";
import { pinnedMemoryBytes, wholeGpuProblem } from "../gpu/ask.js";
import { copiedValueError, labelMapErrors } from "./names.js";
import { LABEL_VALUE_RULE, parseDecimal } from "../../src/kube/validation.js";
import { migProfileProblem } from "../gpu/mig-check.js";
import {
  addProblems,
  durationProblem,
  findings,
  positiveIntegerProblem,
  quantityProblem,
  type Findings,
} from "./findings.js";
import { tierConfigFindings } from "./token-cache-tiers.js";

function profileOf(name: string, product: string | undefined): MigProfile | undefined {
  return (product ? profilesFor(product) : undefined)?.find((p) => p.name === name) ?? anyProfile(name);
}

/** One layout entry: its profile and count, or the error that it cannot fit one GPU of the product. */
function entryInstances(
  entry: { name: string; count?: number },
  i: number,
  product: string | undefined,
  f: Findings,
): MigCount[] {
  const problem = migProfileProblem(entry.name, product);
  if (problem) {
    f.problems.push({ path: `spec.sharing.profiles[${i}].name`, ...problem });
    return [];
  }
  const profile = profileOf(entry.name, product);
  if (!profile) return [];
  const count = entry.count ?? 1;
  const gpu = geometryOf(product);
  const compute = profile.compute * count;
  const memory = profile.memorySlices * count;
  if (compute > gpu.compute || memory > gpu.memory)
    f.problems.push({
      path: `spec.sharing.profiles[${i}].count`,
      detail: `${count} × ${entry.name} needs ${compute} compute and ${memory} memory slices; one GPU has ${gpu.compute} and ${gpu.memory}`,
      fix: "lower count or split it into entries that each fit a GPU",
    });
  return [{ profile, count }];
}

/** The layout packed onto one node's GPUs (at most MAX_GPUS_PER_NODE), or the error that it needs more. */
function checkPacking(layout: MigCount[], product: string | undefined, f: Findings): void {
  const gpus = packLayout(layout, geometryOf(product), MAX_GPUS_PER_NODE);
  if (!gpus)
    f.problems.push({
      path: "spec.sharing.profiles",
      detail: `the layout needs more than the ${MAX_GPUS_PER_NODE} GPUs a node can have`,
      fix: "list what one node's GPUs hold: each entry's count fits one GPU, and all entries a node",
    });
  else if (gpus.length > 1)
    f.warnings.push(
      `MIG layout spans ${gpus.length} GPUs per node: ${gpus.map((g) => g.map((p) => p.name).join("+")).join(" | ")}`,
    );
}

function checkMigLayout(pool: GPUPool, f: Findings): void {
  const { sharing, gpuProduct } = pool.spec;
  const profiles = sharing.profiles ?? [];
  if (profiles.length === 0)
    f.problems.push({
      path: "spec.sharing.profiles",
      detail: "MIG needs at least one profile",
      fix: "list one, e.g. {name: 3g.40gb, count: 2}",
    });
  const unknown = gpuProduct !== undefined && profilesFor(gpuProduct) === undefined;
  const layout = unknown ? [] : profiles.flatMap((entry, i) => entryInstances(entry, i, gpuProduct, f));
  if (sharing.migStrategy === "single" && new Set(profiles.map((p) => p.name)).size > 1) {
    f.problems.push({
      path: "spec.sharing.profiles",
      detail: "the single MIG strategy gives every GPU of a node one profile",
      fix: "list one profile or use migStrategy mixed",
    });
  }
  if (f.problems.length === 0) checkPacking(layout, gpuProduct, f);
  if (unknown)
    f.warnings.push(`spec.gpuProduct ${gpuProduct}: not in mig-parted's defaults; profiles are checked at admission`);
  else if (!gpuProduct)
    f.warnings.push("spec.gpuProduct unset: MIG profiles checked against every known GPU; set it to catch a wrong one");
}

/** A decimal ratio ("1.5", 2); NaN for anything else ("0x2", "", "1e1" are not decimals). */
function ratioOf(ratio: string | number | undefined): number | undefined {
  if (ratio === undefined) return undefined;
  if (typeof ratio === "number") return Number.isFinite(ratio) ? ratio : Number.NaN;
  return /^\d+(\.\d+)?$/.test(ratio) ? Number(ratio) : Number.NaN;
}

function checkOversubscription(pool: GPUPool, f: Findings): void {
  const over = pool.spec.oversubscription;
  if (!over?.enabled) return;
  const mode = pool.spec.sharing.mode;
  if (mode === "exclusive")
    f.problems.push({
      path: "spec.oversubscription.enabled",
      detail: "an exclusive GPU cannot be oversubscribed",
      fix: "use mps or timeslice, or disable it",
    });
  // NVIDIA's device plugin can time-slice MIG devices, so this is valid (and the seed example does it) but worth saying.
  if (mode === "mig")
    f.warnings.push(
      "oversubscribed MIG instances are time-sliced: the pool's device-plugin config shares each nvidia.com/mig-*",
    );
  const ratio = ratioOf(over.ratio);
  if (ratio !== undefined && !(ratio >= 1))
    f.problems.push({
      path: "spec.oversubscription.ratio",
      detail: `"${String(over.ratio)}" must be a number ≥ 1`,
      fix: 'write fractions as strings, e.g. "1.5"',
    });
  else if (ratio !== undefined && ratio > 4)
    f.warnings.push(`oversubscription ratio ${ratio}: more than 4 clients per GPU rarely meets latency targets`);
}

/** The values a pool copies into its pods' node selectors, checked as label keys and values. */
function checkNodeLabels(pool: GPUPool, f: Findings): void {
  const { gpuProduct, nodeSelector, sharing } = pool.spec;
  f.problems.push(...labelMapErrors("spec.nodeSelector", nodeSelector, "the pods' nodeSelector"));
  if (gpuProduct === undefined) return;
  const product = copiedValueError(
    "spec.gpuProduct",
    gpuProduct,
    LABEL_VALUE_RULE,
    `nodeSelector[${LABEL_GPU_PRODUCT}]`,
  );
  if (product) f.problems.push(product);
  else if (sharing.mode === "mig" && sharing.migStrategy === "single")
    for (const [i, p] of (sharing.profiles ?? []).entries())
      addProblems(
        f,
        copiedValueError(
          `spec.sharing.profiles[${i}].name`,
          migProductLabel(gpuProduct, p.name),
          LABEL_VALUE_RULE,
          `nodeSelector[${LABEL_GPU_PRODUCT}] (<product>-MIG-<profile>)`,
        ),
      );
}

export function gpuPoolFindings(pool: GPUPool): Findings {
  const f = findings();
  checkNodeLabels(pool, f);
  if (pool.spec.sharing.mode === "mig") checkMigLayout(pool, f);
  checkOversubscription(pool, f);
  const pinned = pool.spec.sharing.mps?.pinnedMemoryLimit;
  const bytes = pinned === undefined ? undefined : pinnedMemoryBytes(pinned);
  if (typeof bytes === "object") f.problems.push({ path: "spec.sharing.mps.pinnedMemoryLimit", ...bytes });
  if (pool.spec.sharing.mode !== "mps" && pool.spec.sharing.mps)
    f.warnings.push(`spec.sharing.mps is ignored when the mode is ${pool.spec.sharing.mode}`);
  return f;
}

export function tokenCacheFindings(cache: TokenCache): Findings {
  const f = findings();
  const types = new Set<string>();
  const names = new Set<string>();
  cache.spec.tiers.forEach((tier, i) => {
    if (types.has(tier.type))
      f.problems.push({
        path: `spec.tiers[${i}].type`,
        detail: `a second ${tier.type} tier`,
        fix: "give each tier type once",
      });
    if (names.has(tier.name))
      f.problems.push({
        path: `spec.tiers[${i}].name`,
        detail: `${tier.name} is used by another tier`,
        fix: "give each tier its own name",
      });
    types.add(tier.type);
    names.add(tier.name);
    addProblems(
      f,
      quantityProblem(`spec.tiers[${i}].size`, tier.size),
      durationProblem(`spec.tiers[${i}].ttl`, tier.ttl),
    );
    if (tier.type === "local" && tier.size === undefined)
      f.warnings.push(`spec.tiers[${i}]: a local tier without a size fills the node's disk; set size`);
  });
  tierConfigFindings(cache, f);
  const warmup = cache.spec.warmup;
  if (warmup?.enabled && (warmup.commonPrefixes ?? []).length === 0 && !warmup.sourceConfigMapRef)
    f.warnings.push("spec.warmup is enabled with no commonPrefixes and no sourceConfigMapRef: nothing to warm");
  return f;
}

function checkServiceGpu(gpu: InferenceService["spec"]["gpu"], f: Findings): void {
  if (gpu?.sharing === "mig") {
    const problem = gpu.migProfile
      ? migProfileProblem(gpu.migProfile, gpu.type)
      : { detail: "required when sharing is mig", fix: "name a profile, e.g. 3g.40gb" };
    if (problem) f.problems.push({ path: "spec.gpu.migProfile", ...problem });
  }
  if (gpu?.sharing === "mps" && (gpu.count ?? 1) > 1)
    f.problems.push({
      path: "spec.gpu.count",
      detail: `${gpu.count ?? 1} GPUs, but MPS shares one GPU`,
      fix: "use sharing exclusive for more than one GPU",
    });
}

export function inferenceServiceFindings(svc: InferenceService): Findings {
  const f = findings();
  const gpu = svc.spec.gpu;
  checkServiceGpu(gpu, f);
  addProblems(f, quantityProblem("spec.cache.prefixCacheSize", svc.spec.cache?.prefixCacheSize));
  const scaling = svc.spec.autoscaling;
  if (
    scaling?.minReplicas !== undefined &&
    scaling.maxReplicas !== undefined &&
    scaling.minReplicas > scaling.maxReplicas
  ) {
    f.problems.push({
      path: "spec.autoscaling.minReplicas",
      detail: `${scaling.minReplicas} is above maxReplicas ${scaling.maxReplicas}`,
      fix: "lower minReplicas or raise maxReplicas",
    });
  }
  if (gpu?.sharing === "timeslice" && svc.spec.backend === "vllm")
    f.warnings.push(
      "vLLM on time-sliced GPUs shares GPU memory with other clients; set --gpu-memory-utilization below 1/clients",
    );
  return f;
}

const REQUIRED_CONFIG: Record<string, readonly string[]> = {
  vllm: ["tensor-parallel-size", "max-num-batched-tokens", "max-num-seqs"],
  sglang: ["max-num-batched-tokens", "max-num-seqs"],
};

function gpusOf(resources: PrefillDecodingDisaggregation["spec"]["prefillResources"]): number | undefined {
  const value = resources?.limits?.[GPU_RESOURCE] ?? resources?.requests?.[GPU_RESOURCE];
  return value === undefined ? undefined : parseQuantity(value) / 1000;
}

const SIDES = ["prefillResources", "decodeResources"] as const;

/** Each side's quantities, GPUs whole (extended resources are integers), and the hint's node selector as labels. */
function checkResources(pdd: PrefillDecodingDisaggregation, f: Findings): void {
  const entries = SIDES.flatMap((side) =>
    (["requests", "limits"] as const).flatMap((kind) =>
      Object.entries(pdd.spec[side]?.[kind] ?? {}).map(
        ([key, value]) => [`spec.${side}.${kind}[${key}]`, key, value] as const,
      ),
    ),
  );
  for (const [path, key, value] of entries) {
    const problem = quantityProblem(path, value);
    const partial = !problem && isGpuResource(key) ? wholeGpuProblem(value) : undefined;
    addProblems(f, problem, partial && { path, ...partial });
  }
  const hint = pdd.spec.topologyHint?.nodeSelector;
  f.problems.push(...labelMapErrors("spec.topologyHint.nodeSelector", hint, "the pods' nodeSelector"));
}

function checkEngineConfig(engine: string, config: Record<string, string> | undefined, f: Findings): void {
  const missing = (REQUIRED_CONFIG[engine] ?? []).filter((key) => config?.[key] === undefined);
  if (missing.length > 0)
    f.problems.push({
      path: "spec.engineConfig",
      detail: `${engine} needs ${missing.join(", ")}`,
      fix: 'set them, values as strings, e.g. "8192"',
    });
  for (const key of REQUIRED_CONFIG.vllm ?? [])
    addProblems(f, positiveIntegerProblem(`spec.engineConfig.${key}`, config?.[key]));
}

function checkTensorParallel(pdd: PrefillDecodingDisaggregation, f: Findings): void {
  // Checked as a whole number by checkEngineConfig before this runs.
  const tp = parseDecimal(pdd.spec.engineConfig?.["tensor-parallel-size"] ?? "1") ?? 1;
  for (const side of SIDES) {
    const gpus = gpusOf(pdd.spec[side]);
    if (gpus !== undefined && tp > gpus)
      f.problems.push({
        path: "spec.engineConfig.tensor-parallel-size",
        detail: `${tp} is above the ${gpus} GPUs of spec.${side}`,
        fix: `lower it or give each pod ${tp} GPUs`,
      });
  }
}

export function pddFindings(pdd: PrefillDecodingDisaggregation): Findings {
  const f = findings();
  checkResources(pdd, f);
  const config = pdd.spec.engineConfig;
  const engine = pdd.spec.engine ?? (config ? "vllm" : undefined);
  if (engine !== undefined) checkEngineConfig(engine, config, f);
  if (f.problems.length === 0) checkTensorParallel(pdd, f);
  return f;
}

export function speculativeDecodingFindings(sd: SpeculativeDecoding): Findings {
  const f = findings();
  if (sd.spec.draftModel === sd.spec.targetModel)
    f.problems.push({
      path: "spec.draftModel",
      detail: `the draft model is the target (${sd.spec.targetModel})`,
      fix: "a draft must be a smaller model",
    });
  if ((sd.spec.numSpeculativeTokens ?? 5) > 10)
    f.warnings.push(
      `numSpeculativeTokens ${sd.spec.numSpeculativeTokens ?? 5}: long speculation is rarely accepted; 3–7 is usual`,
    );
  return f;
}

export function inferenceCacheFindings(cache: InferenceCache): Findings {
  const f = findings();
  const policy = cache.spec.kvCacheTransferPolicy;
  if (
    policy?.thresholdHitRate !== undefined &&
    policy.evictionThreshold !== undefined &&
    policy.evictionThreshold < policy.thresholdHitRate
  ) {
    f.warnings.push("kvCacheTransferPolicy: evictionThreshold below thresholdHitRate evicts before transfers pay off");
  }
  return f;
}

/** backendRef is a name in one seed example and {name, port} in another: both are accepted, nothing else. */
function backendRefProblem(ref: unknown): FieldError | undefined {
  if (ref === undefined || (typeof ref === "string" && ref !== "")) return undefined;
  if (typeof ref !== "object" || ref === null || typeof (ref as { name?: unknown }).name !== "string")
    return {
      path: "spec.backendRef",
      detail: `${JSON.stringify(ref)} is neither a backend name nor {name, port}`,
      fix: "write a backend name, or {name, port}",
    };
  const port = (ref as { port?: unknown }).port;
  if (port === undefined || (typeof port === "number" && Number.isInteger(port) && port >= 1 && port <= 65535))
    return undefined;
  return { path: "spec.backendRef.port", detail: `${JSON.stringify(port)} is not a port`, fix: "use 1 to 65535" };
}

export function stackInferenceServiceFindings(svc: StackInferenceService): Findings {
  const f = findings();
  addProblems(f, backendRefProblem(svc.spec.backendRef));
  const pdd = svc.spec.prefillDecodingRef;
  if (pdd?.kind !== undefined && pdd.kind !== "PrefillDecodingDisaggregation")
    f.problems.push({
      path: "spec.prefillDecodingRef.kind",
      detail: `${pdd.kind} is not the kind it names`,
      fix: "it names a PrefillDecodingDisaggregation",
    });
  if (pdd?.apiGroup !== undefined && pdd.apiGroup !== "production-stack.vllm.ai")
    f.problems.push({
      path: "spec.prefillDecodingRef.apiGroup",
      detail: `${pdd.apiGroup} is not the group it names`,
      fix: "use production-stack.vllm.ai",
    });
  return f;
}
