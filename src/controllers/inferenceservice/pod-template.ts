import { cloneJson } from "../../kube/clone.js";
import type { Affinity, Container, Pod, PodSpec, PodTemplateSpec, Probe } from "kubernetes-types/core/v1.js";
import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import { LABEL_INFERENCE_SERVICE, LABEL_MANAGED, type InferenceService } from "../../apis/inference-ai.js";
import { ENGINE_PORT, engineFor, type Engine, type EngineLaunch } from "../../engines/index.js";
import type { EngineCommand } from "../../engines/engine.js";
import { LABEL_GPU_PRODUCT } from "../../nvidia/resources.js";
import { productsOf } from "../../nvidia/products.js";
import * as A from "../../../webhooks/gpu/annotations.js";
import { enhanceGpuPod } from "../../../webhooks/gpu/enhance.js";
import { failures, type Outcome } from "../../../webhooks/enhancers/result.js";
import { DenialCode } from "../../../webhooks/field-errors.js";
import { emittedValueErrors } from "../../../webhooks/validators/emitted.js";
import { gpusPerPod, pipelineParallelism, tensorParallelism } from "../../engines/parallelism.js";
import { modelAccess, type ModelAccess } from "./source.js";

/** The engine's container name in every pod. */
export const ENGINE_CONTAINER = "engine";
/** Startup probe budget: 180 × 10 s = 30 minutes to download and load a model before the kubelet restarts it. */
const STARTUP_FAILURES = 180;

/** The labels of every pod of an InferenceService: its name (the Service and scale selector) and the webhooks' opt-in. */
export function podLabels(svc: InferenceService): Record<string, string> {
  return { [LABEL_INFERENCE_SERVICE]: svc.metadata.name ?? "", [LABEL_MANAGED]: "true" };
}

/** The GPU enhancers' annotations (webhooks/gpu/annotations.ts): the same ask admission resolves. */
export function gpuAnnotations(svc: InferenceService): Record<string, string> {
  const { gpu, cache, backend } = svc.spec;
  const annotations: Record<string, string> = {
    [A.BACKEND]: backend ?? "vllm",
    [A.GPU_COUNT]: String(gpusPerPod(svc)),
  };
  if (gpu?.pool) annotations[A.GPU_POOL] = gpu.pool;
  if (gpu?.sharing) annotations[A.GPU_SHARING] = gpu.sharing;
  if (gpu?.migProfile) annotations[A.MIG_PROFILE] = gpu.migProfile;
  if (cache?.tokenCacheRef) annotations[A.TOKEN_CACHE] = cache.tokenCacheRef;
  return annotations;
}

export function engineLaunch(svc: InferenceService, access: ModelAccess): EngineLaunch {
  const config = svc.spec.backendConfig ?? {};
  const launch: EngineLaunch = {
    model: access.model,
    servedName: svc.spec.model.name,
    source: access.source,
    tensorParallelism: tensorParallelism(svc),
    pipelineParallelism: pipelineParallelism(svc),
    prefixCaching: svc.spec.cache?.enabled === true,
    extraArgs: config.extraArgs ?? [],
  };
  if (config.maxBatchSize !== undefined) launch.maxBatchSize = config.maxBatchSize;
  if (config.maxSeqLen !== undefined) launch.maxSeqLen = config.maxSeqLen;
  if (config.quantization !== undefined) launch.quantization = config.quantization;
  if (svc.spec.model.revision !== undefined) launch.revision = svc.spec.model.revision;
  return launch;
}

function httpProbe(engine: Engine, periodSeconds: number, failureThreshold: number): Probe {
  return { httpGet: { path: engine.healthPath, port: "http" }, periodSeconds, failureThreshold };
}

function nonGpuResources(svc: InferenceService): Container["resources"] {
  const given = svc.spec.resources ?? {};
  const out: NonNullable<Container["resources"]> = {};
  for (const side of ["requests", "limits"] as const) {
    const values = Object.entries(given[side] ?? {});
    if (values.length > 0) out[side] = Object.fromEntries(values);
  }
  return out;
}

/** The engine container; `serving` pods (not Ray workers) get the HTTP port and probes. */
function engineContainer(svc: InferenceService, engine: Engine, run: EngineCommand, serving: boolean): Container {
  const access = modelAccess(svc);
  const container: Container = {
    name: ENGINE_CONTAINER,
    image: svc.spec.image ?? engine.image,
    command: run.command,
    resources: nonGpuResources(svc),
  };
  if (run.args.length > 0) container.args = run.args;
  if (access.env.length > 0) container.env = access.env;
  if (access.envFrom.length > 0) container.envFrom = access.envFrom;
  const mounts = [...access.mounts, ...(sharedMemory(svc) ? [{ name: "dshm", mountPath: "/dev/shm" }] : [])];
  if (mounts.length > 0) container.volumeMounts = mounts;
  if (!serving) return container;
  container.ports = [
    { name: "http", containerPort: ENGINE_PORT, protocol: "TCP" },
    ...engine.ports.map((p) => ({ ...p, protocol: "TCP" })),
  ];
  container.startupProbe = httpProbe(engine, 10, STARTUP_FAILURES);
  container.readinessProbe = httpProbe(engine, 10, 3);
  container.livenessProbe = httpProbe(engine, 30, 3);
  return container;
}

/** NCCL between tensor- or pipeline-parallel workers needs more /dev/shm than the runtime's 64 MiB. */
function sharedMemory(svc: InferenceService): boolean {
  return tensorParallelism(svc) > 1 || pipelineParallelism(svc) > 1;
}

/** gpu.type as a node selector (a product) or a node affinity over the family's products; a pool's placement wins. */
function gpuPlacement(svc: InferenceService): { nodeSelector?: Record<string, string>; affinity?: Affinity } {
  const type = svc.spec.gpu?.type;
  if (!type || svc.spec.gpu?.pool) return {};
  const products = productsOf(type);
  if (products.length === 1) return { nodeSelector: { [LABEL_GPU_PRODUCT]: products[0] ?? type } };
  const term = { matchExpressions: [{ key: LABEL_GPU_PRODUCT, operator: "In", values: [...products] }] };
  return {
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } },
  };
}

function podSpec(svc: InferenceService, container: Container): PodSpec {
  const access = modelAccess(svc);
  const placement = gpuPlacement(svc);
  const spec: PodSpec = { containers: [container] };
  const volumes = [...access.volumes, ...(sharedMemory(svc) ? [{ name: "dshm", emptyDir: { medium: "Memory" } }] : [])];
  if (volumes.length > 0) spec.volumes = volumes;
  const nodeSelector = { ...svc.spec.nodeSelector, ...placement.nodeSelector };
  if (Object.keys(nodeSelector).length > 0) spec.nodeSelector = nodeSelector;
  if (placement.affinity) spec.affinity = placement.affinity;
  if (svc.spec.tolerations) spec.tolerations = cloneJson(svc.spec.tolerations);
  if (svc.spec.serviceAccountName) spec.serviceAccountName = svc.spec.serviceAccountName;
  if (svc.spec.imagePullSecrets) spec.imagePullSecrets = svc.spec.imagePullSecrets.map((s) => ({ name: s.name }));
  return spec;
}

/** Which pod of a replica: the only one, or the entry / a worker of a multi-node replica. */
export type PodRole = "single" | "entry" | "worker";

function commandFor(svc: InferenceService, engine: Engine, role: PodRole): EngineCommand {
  const launch = engineLaunch(svc, modelAccess(svc));
  if (role === "single" || !engine.multiNode) return engine.serve(launch);
  const both = engine.multiNode(launch);
  return role === "entry" ? both.entry : both.worker;
}

/**
 * The pod template of one pod role, then enhanced by the same GPU, cache and engine enhancers
 * admission runs (webhooks/gpu/enhance.ts), so admission of these pods changes nothing. Fails
 * when the enhancers refuse (a missing GPUPool or TokenCache, an impossible MIG profile).
 */
export function podTemplate(svc: InferenceService, view: ClusterReader, role: PodRole): Outcome<PodTemplateSpec> {
  const engine = engineFor(svc.spec.backend);
  const container = engineContainer(svc, engine, commandFor(svc, engine, role), role !== "worker");
  const namespace = svc.metadata.namespace ?? "default";
  const metadata = { labels: podLabels(svc), annotations: gpuAnnotations(svc) };
  const pod: Pod = { apiVersion: "v1", kind: "Pod", metadata, spec: podSpec(svc, container) };
  const enhanced = enhanceGpuPod(cloneJson(pod), namespace, view, true);
  if (!enhanced.ok) return enhanced;
  // What the enhancers copied in from a GPUPool or PDD stored before its validation ran.
  const invalid = emittedValueErrors(pod, enhanced.value);
  if (invalid.length > 0) return failures(DenialCode.Invalid, invalid);
  const { metadata: meta, spec } = enhanced.value;
  return { ok: true, value: { metadata: meta ?? {}, spec: spec ?? { containers: [] } }, warnings: enhanced.warnings };
}
