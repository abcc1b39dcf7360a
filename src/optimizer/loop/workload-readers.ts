import type { Deployment } from "kubernetes-types/apps/v1.js";
import { LABEL_INFERENCE_SERVICE, type InferenceService } from "../../apis/inference-ai.js";
import { LABEL_ENTRY, LABEL_MODELINFER_NAME, type ModelInfer } from "../../apis/matrixinfer.js";
import { engineFor, VLLM_LOAD_SERIES } from "../../engines/index.js";
import { LABEL_GPU_PRODUCT } from "../../nvidia/resources.js";
import { DEFAULT_SERVICE_CLASS, type Target } from "../spec.js";
import * as L from "./labels.js";
import {
  numberOr,
  type AcceleratorChoice,
  type SizableObjects,
  type SkippedWorkload,
  type Workload,
  type WorkloadKind,
  type WorkloadRef,
} from "./workload.js";

type Metadata = Parameters<typeof L.keyOf>[0] & { name?: string; namespace?: string; uid?: string };
type Read = { workload: Workload } | { skip: string };

function refOf(kind: WorkloadKind, metadata: Metadata | undefined): WorkloadRef {
  const ref: WorkloadRef = { kind, namespace: metadata?.namespace ?? "default", name: metadata?.name ?? "" };
  if (metadata?.uid) ref.uid = metadata.uid;
  return ref;
}

/** SLOs from the inferno.server.slo.* labels or annotations: only the ones set to a positive number. */
function sloOf(metadata: Metadata | undefined): Partial<Target> {
  return positive({
    itl: numberOr(L.keyOf(metadata, L.SLO_ITL), 0),
    ttft: numberOr(L.keyOf(metadata, L.SLO_TTFT), 0),
    ttw: numberOr(L.keyOf(metadata, L.SLO_TTW), 0),
    tps: numberOr(L.keyOf(metadata, L.SLO_TPS), 0),
  });
}

function positive(slo: Partial<Target>): Partial<Target> {
  return Object.fromEntries(Object.entries(slo).filter(([, v]) => v > 0));
}

function labelLoad(metadata: Metadata | undefined): Workload["labelLoad"] {
  return { rpm: numberOr(L.keyOf(metadata, L.LOAD_RPM), 0), tokens: numberOr(L.keyOf(metadata, L.LOAD_TOKENS), 0) };
}

/** A Deployment labelled inferno.server.managed=true, as inferno's controller reads it. */
export function deploymentWorkload(d: Deployment): Read {
  const meta = d.metadata;
  const model = L.keyOf(meta, L.MODEL);
  if (!model) return { skip: `no ${L.MODEL} label` };
  const name = meta?.name ?? "";
  return {
    workload: {
      ref: refOf("Deployment", meta),
      server: L.keyOf(meta, L.SERVER_NAME) ?? name,
      model,
      serviceClass: L.keyOf(meta, L.SERVICE_CLASS) ?? DEFAULT_SERVICE_CLASS,
      slo: sloOf(meta),
      replicas: d.spec?.replicas ?? 1,
      accelerator: L.keyOf(meta, L.ACCELERATOR),
      product: undefined,
      choice: { from: "any" },
      maxBatch: numberOr(L.keyOf(meta, L.MAX_BATCH), 0),
      batchOverride: 0,
      minReplicas: numberOr(L.keyOf(meta, L.MIN_REPLICAS), 1),
      maxReplicas: undefined,
      labelLoad: labelLoad(meta),
      pods: { namePattern: `${name.replace(/[.]/g, "\\.")}-[^-]+-[^-]+` },
      series: VLLM_LOAD_SERIES,
    },
  };
}

/** The accelerator a ModelInfer's groups run on: its label, else the GPU product its first entry template selects. */
function modelInferChoice(mi: ModelInfer): AcceleratorChoice | undefined {
  const named = L.keyOf(mi.metadata, L.ACCELERATOR);
  if (named) return { from: "names", names: [named] };
  const product = mi.spec.template.roles[0]?.entryTemplate.spec?.nodeSelector?.[LABEL_GPU_PRODUCT];
  return product ? { from: "product", product } : undefined;
}

/**
 * A ModelInfer labelled inferno.server.managed=true: one InferGroup is one replica, on the
 * accelerator it runs on (the scale subresource changes the count only); its load is its entry pods'.
 */
export function modelInferWorkload(mi: ModelInfer): Read {
  const meta = mi.metadata;
  const model = L.keyOf(meta, L.MODEL);
  if (!model) return { skip: `no ${L.MODEL} label or annotation` };
  const choice = modelInferChoice(mi);
  if (!choice)
    return {
      skip: `cannot tell which accelerator its groups run on: set ${L.ACCELERATOR}, or a ${LABEL_GPU_PRODUCT} nodeSelector in the entry template`,
    };
  const ref = refOf("ModelInfer", meta);
  return {
    workload: {
      ref,
      server: L.keyOf(meta, L.SERVER_NAME) ?? `${ref.namespace}/${ref.name}`,
      model,
      serviceClass: L.keyOf(meta, L.SERVICE_CLASS) ?? DEFAULT_SERVICE_CLASS,
      slo: sloOf(meta),
      replicas: mi.spec.replicas ?? 1,
      accelerator: choice.from === "names" ? choice.names[0] : undefined,
      product: choice.from === "product" ? choice.product : undefined,
      choice,
      maxBatch: 0,
      batchOverride: 0,
      minReplicas: numberOr(L.keyOf(meta, L.MIN_REPLICAS), 1),
      maxReplicas: undefined,
      labelLoad: labelLoad(meta),
      pods: { labelSelector: `${LABEL_MODELINFER_NAME}=${ref.name},${LABEL_ENTRY}=true` },
      series: VLLM_LOAD_SERIES,
      conditions: mi.status?.conditions ?? [],
    },
  };
}

/** The accelerators an InferenceService may use: the list it offers, else the GPU product it asks for. */
function serviceChoice(svc: InferenceService): AcceleratorChoice | undefined {
  const offered = svc.spec.autoscaling?.optimizer?.accelerators ?? [];
  if (offered.length > 0) return { from: "names", names: offered };
  const product = svc.spec.gpu?.type;
  return product ? { from: "product", product } : undefined;
}

/** What an InferenceService's spec says about its sizing, defaults applied (the CRD documents them). */
function serviceSizing(
  svc: InferenceService,
): Pick<Workload, "model" | "serviceClass" | "slo" | "batchOverride" | "minReplicas" | "maxReplicas" | "replicas"> {
  const scaling = svc.spec.autoscaling ?? {};
  const sizing = scaling.optimizer ?? {};
  return {
    model: sizing.model ?? svc.spec.model.name,
    serviceClass: sizing.serviceClass ?? DEFAULT_SERVICE_CLASS,
    slo: positive({ ...sizing.slo }),
    batchOverride: svc.spec.backendConfig?.maxBatchSize ?? 0,
    minReplicas: scaling.minReplicas ?? 1,
    maxReplicas: scaling.maxReplicas,
    // What the workload runs now, as the controller reports it; the spec until it has.
    replicas: svc.status?.replicas ?? svc.spec.replicas ?? 1,
  };
}

/**
 * An InferenceService with strategy optimizer (its CRD documents spec.autoscaling.optimizer):
 * replicas within its autoscaling bounds, the GPU type when it offers a choice, the load of its pods.
 */
export function inferenceServiceWorkload(svc: InferenceService): Read {
  const choice = serviceChoice(svc);
  if (!choice)
    return {
      skip: "no GPU type to size for: set spec.gpu.type, or the accelerators it may use in spec.autoscaling.optimizer.accelerators",
    };
  const ref = refOf("InferenceService", svc.metadata);
  const sizing = serviceSizing(svc);
  const workload: Workload = {
    ref,
    server: `${ref.namespace}/${ref.name}`,
    ...sizing,
    accelerator: undefined,
    product: svc.spec.gpu?.type,
    choice,
    maxBatch: sizing.batchOverride,
    labelLoad: labelLoad(svc.metadata),
    pods: { labelSelector: `${LABEL_INFERENCE_SERVICE}=${ref.name}` },
    conditions: svc.status?.conditions ?? [],
  };
  const series = engineFor(svc.spec.backend).loadSeries;
  if (series) workload.series = series;
  return { workload };
}

function read(kind: WorkloadKind, obj: SizableObjects[keyof SizableObjects][number]): Read {
  if (kind === "Deployment") return deploymentWorkload(obj as Deployment);
  return kind === "ModelInfer"
    ? modelInferWorkload(obj as ModelInfer)
    : inferenceServiceWorkload(obj as InferenceService);
}

/**
 * The workloads of one cycle: managed Deployments, labelled ModelInfers and InferenceServices with
 * strategy optimizer (the caller lists them so). Objects that cannot be sized, or whose server
 * name another took first, are in `skipped` with the reason.
 */
export function sizableWorkloads(objects: SizableObjects): { workloads: Workload[]; skipped: SkippedWorkload[] } {
  const workloads: Workload[] = [];
  const skipped: SkippedWorkload[] = [];
  const names = new Set<string>();
  const all: [WorkloadKind, SizableObjects[keyof SizableObjects]][] = [
    ["Deployment", objects.deployments],
    ["ModelInfer", objects.modelInfers],
    ["InferenceService", objects.inferenceServices],
  ];
  for (const [kind, list] of all) {
    for (const obj of list) {
      const r = read(kind, obj);
      const ref = "workload" in r ? r.workload.ref : refOf(kind, obj.metadata);
      const conditions = (obj as { status?: { conditions?: SkippedWorkload["conditions"] } }).status?.conditions;
      if ("skip" in r) skipped.push({ ref, reason: r.skip, ...(conditions ? { conditions } : {}) });
      else if (names.has(r.workload.server))
        skipped.push({ ref, reason: `server name "${r.workload.server}" is taken by another object` });
      else {
        names.add(r.workload.server);
        workloads.push(r.workload);
      }
    }
  }
  return { workloads, skipped };
}
