import { GPU_RESOURCE } from "../../src/nvidia/resources.js";
import { anyProfile, packLayout, profilesFor, type MigProfile } from "../../src/nvidia/mig.js";
import type { GPUPool, InferenceService, TokenCache } from "../../src/apis/inference-ai.js";
import type {
  InferenceCache,
  PrefillDecodingDisaggregation,
  SpeculativeDecoding,
  StackInferenceService,
} from "../../src/apis/production-stack.js";
import { parseQuantity } from "../../src/kube/quantity.js";
import { migProfileProblem } from "../gpu/ask.js";
import { durationProblem, findings, positiveIntegerProblem, quantityProblem, type Findings } from "./findings.js";
import { tierConfigFindings } from "./token-cache-tiers.js";

function profileOf(name: string, product: string | undefined): MigProfile | undefined {
  return (product ? profilesFor(product) : undefined)?.find((p) => p.name === name) ?? anyProfile(name);
}

function checkMigLayout(pool: GPUPool, f: Findings): void {
  const { sharing, gpuProduct } = pool.spec;
  const profiles = sharing.profiles ?? [];
  if (profiles.length === 0)
    f.problems.push("spec.sharing.profiles: MIG needs at least one profile (e.g. {name: 3g.40gb, count: 2})");
  const instances: MigProfile[] = [];
  profiles.forEach((entry, i) => {
    const problem = migProfileProblem(entry.name, gpuProduct);
    if (problem) {
      f.problems.push(`spec.sharing.profiles[${i}]: ${problem}`);
      return;
    }
    const profile = profileOf(entry.name, gpuProduct);
    if (!profile) return;
    const count = entry.count ?? 1;
    const compute = profile.compute * count;
    const memory = profile.memoryEighths * count;
    if (compute > 7 || memory > 8)
      f.problems.push(
        `spec.sharing.profiles[${i}]: ${count} × ${entry.name} needs ${compute} compute slices and ${memory} memory eighths; one GPU has 7 and 8 — lower count or split it into entries that each fit a GPU`,
      );
    for (let n = 0; n < count; n++) instances.push(profile);
  });
  if (sharing.migStrategy === "single" && new Set(profiles.map((p) => p.name)).size > 1) {
    f.problems.push(
      "spec.sharing: the single MIG strategy gives every GPU of a node one profile; list one profile or use migStrategy mixed",
    );
  }
  const gpus = f.problems.length === 0 ? packLayout(instances) : undefined;
  if (gpus && gpus.length > 1)
    f.warnings.push(
      `MIG layout spans ${gpus.length} GPUs per node: ${gpus.map((g) => g.map((p) => p.name).join("+")).join(" | ")}`,
    );
  if (!gpuProduct)
    f.warnings.push(
      "spec.gpuProduct unset: MIG profiles checked against every A100, H100 and H200; set it to catch a wrong profile",
    );
}

function ratioOf(ratio: string | number | undefined): number | undefined {
  if (ratio === undefined) return undefined;
  const n = Number(ratio);
  return Number.isFinite(n) ? n : Number.NaN;
}

function checkOversubscription(pool: GPUPool, f: Findings): void {
  const over = pool.spec.oversubscription;
  if (!over?.enabled) return;
  const mode = pool.spec.sharing.mode;
  if (mode === "exclusive")
    f.problems.push(
      "spec.oversubscription: an exclusive GPU cannot be oversubscribed; use mps or timeslice, or disable it",
    );
  // NVIDIA's device plugin can time-slice MIG devices, so this is valid (and the seed example does it) but worth saying.
  if (mode === "mig")
    f.warnings.push(
      "oversubscribed MIG instances are time-sliced: the pool's device-plugin config shares each nvidia.com/mig-*",
    );
  const ratio = ratioOf(over.ratio);
  if (ratio !== undefined && !(ratio >= 1))
    f.problems.push(
      `spec.oversubscription.ratio: "${String(over.ratio)}" must be a number ≥ 1 (write fractions as strings, e.g. "1.5")`,
    );
  else if (ratio !== undefined && ratio > 4)
    f.warnings.push(`oversubscription ratio ${ratio}: more than 4 clients per GPU rarely meets latency targets`);
}

export function gpuPoolFindings(pool: GPUPool): Findings {
  const f = findings();
  if (pool.spec.sharing.mode === "mig") checkMigLayout(pool, f);
  checkOversubscription(pool, f);
  const pinned = quantityProblem("spec.sharing.mps.pinnedMemoryLimit", pool.spec.sharing.mps?.pinnedMemoryLimit);
  if (pinned) f.problems.push(pinned);
  if (pool.spec.sharing.mode !== "mps" && pool.spec.sharing.mps)
    f.warnings.push(`spec.sharing.mps is ignored when the mode is ${pool.spec.sharing.mode}`);
  return f;
}

export function tokenCacheFindings(cache: TokenCache): Findings {
  const f = findings();
  const types = new Set<string>();
  const names = new Set<string>();
  cache.spec.tiers.forEach((tier, i) => {
    if (types.has(tier.type)) f.problems.push(`spec.tiers[${i}]: a second ${tier.type} tier; give each tier type once`);
    if (names.has(tier.name)) f.problems.push(`spec.tiers[${i}]: the name ${tier.name} is used twice`);
    types.add(tier.type);
    names.add(tier.name);
    for (const problem of [
      quantityProblem(`spec.tiers[${i}].size`, tier.size),
      durationProblem(`spec.tiers[${i}].ttl`, tier.ttl),
    ])
      if (problem) f.problems.push(problem);
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
      : "MIG needs spec.gpu.migProfile (e.g. 3g.40gb)";
    if (problem) f.problems.push(`spec.gpu: ${problem}`);
  }
  if (gpu?.sharing === "mps" && (gpu.count ?? 1) > 1)
    f.problems.push(`spec.gpu.count: MPS shares one GPU; ${gpu.count ?? 1} GPUs need sharing exclusive`);
}

export function inferenceServiceFindings(svc: InferenceService): Findings {
  const f = findings();
  const gpu = svc.spec.gpu;
  checkServiceGpu(gpu, f);
  const size = quantityProblem("spec.cache.prefixCacheSize", svc.spec.cache?.prefixCacheSize);
  if (size) f.problems.push(size);
  const scaling = svc.spec.autoscaling;
  if (
    scaling?.minReplicas !== undefined &&
    scaling.maxReplicas !== undefined &&
    scaling.minReplicas > scaling.maxReplicas
  ) {
    f.problems.push(`spec.autoscaling: minReplicas ${scaling.minReplicas} is above maxReplicas ${scaling.maxReplicas}`);
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

function checkResources(pdd: PrefillDecodingDisaggregation, f: Findings): void {
  const entries = SIDES.flatMap((side) =>
    (["requests", "limits"] as const).flatMap((kind) =>
      Object.entries(pdd.spec[side]?.[kind] ?? {}).map(
        ([key, value]) => [`spec.${side}.${kind}.${key}`, value] as const,
      ),
    ),
  );
  for (const [path, value] of entries) {
    const problem = quantityProblem(path, value);
    if (problem) f.problems.push(problem);
  }
}

function checkEngineConfig(engine: string, config: Record<string, string> | undefined, f: Findings): void {
  const missing = (REQUIRED_CONFIG[engine] ?? []).filter((key) => config?.[key] === undefined);
  if (missing.length > 0)
    f.problems.push(`spec.engineConfig: ${engine} needs ${missing.join(", ")} (values as strings, e.g. "8192")`);
  for (const key of REQUIRED_CONFIG.vllm ?? []) {
    const problem = positiveIntegerProblem(`spec.engineConfig.${key}`, config?.[key]);
    if (problem) f.problems.push(problem);
  }
}

function checkTensorParallel(pdd: PrefillDecodingDisaggregation, f: Findings): void {
  const tp = Number(pdd.spec.engineConfig?.["tensor-parallel-size"] ?? 1);
  for (const side of SIDES) {
    const gpus = gpusOf(pdd.spec[side]);
    if (gpus !== undefined && tp > gpus)
      f.problems.push(
        `spec.engineConfig.tensor-parallel-size ${tp} is above the ${gpus} GPUs of spec.${side}; lower it or give each pod ${tp} GPUs`,
      );
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
    f.problems.push(
      `spec.draftModel: the draft model is the target (${sd.spec.targetModel}); a draft must be a smaller model`,
    );
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
function backendRefProblem(ref: unknown): string | undefined {
  if (ref === undefined || (typeof ref === "string" && ref !== "")) return undefined;
  if (typeof ref !== "object" || ref === null || typeof (ref as { name?: unknown }).name !== "string")
    return "spec.backendRef: a backend name, or {name, port}";
  const port = (ref as { port?: unknown }).port;
  if (port === undefined || (typeof port === "number" && Number.isInteger(port) && port >= 1 && port <= 65535))
    return undefined;
  return `spec.backendRef.port: ${JSON.stringify(port)} is not a port (1–65535)`;
}

export function stackInferenceServiceFindings(svc: StackInferenceService): Findings {
  const f = findings();
  const backend = backendRefProblem(svc.spec.backendRef);
  if (backend) f.problems.push(backend);
  const pdd = svc.spec.prefillDecodingRef;
  if (pdd?.kind !== undefined && pdd.kind !== "PrefillDecodingDisaggregation")
    f.problems.push(`spec.prefillDecodingRef.kind: ${pdd.kind}; it names a PrefillDecodingDisaggregation`);
  if (pdd?.apiGroup !== undefined && pdd.apiGroup !== "production-stack.vllm.ai")
    f.problems.push(`spec.prefillDecodingRef.apiGroup: ${pdd.apiGroup}; use production-stack.vllm.ai`);
  return f;
}
