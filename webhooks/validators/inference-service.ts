/**
 * What an InferenceService asks that its engine cannot do, as field errors (one rule per
 * function, each naming field, problem and fix). The validating webhook refuses them; the
 * InferenceService controller holds the rollout with condition Ready False, reason InvalidSpec,
 * should one get past admission (no webhook, an object created before the rule).
 */
import { MAX_CLUSTER_NODES, MAX_CLUSTER_PODS } from "../../src/kube/cluster-limits.js";
import type { ClusterReader } from "../../src/cluster-view/cluster-view.js";
import { GPUPoolKind, TokenCacheKind, type InferenceService } from "../../src/apis/inference-ai.js";
import { engineFor, type Engine, type EngineLaunch } from "../../src/engines/index.js";
import type { OwnedFlag } from "../../src/engines/engine.js";
import { abbreviatedFlag, END_OF_OPTIONS, flagWord } from "../../src/engines/cli.js";
import type { FieldError } from "../field-errors.js";
import { brokenNames, podPlaceNames, type EmittedName } from "../../src/modelinfer/emitted-names.js";
import { DNS1035_LABEL_RULE, LABEL_VALUE_RULE } from "../../src/kube/validation.js";
import { LABEL_INFERENCE_SERVICE } from "../../src/apis/inference-ai.js";
import { brokenNameDetail, copiedValueError, labelMapErrors, nameRuleFix } from "./names.js";
import { LABEL_GPU_PRODUCT } from "../../src/nvidia/resources.js";
import { productsOf } from "../../src/nvidia/products.js";
import {
  gpusPerPod,
  MODELINFER_ROLE,
  pipelineParallelism,
  tensorParallelism,
  wholeGpus,
} from "../../src/engines/parallelism.js";

type Rule = (svc: InferenceService, engine: Engine) => FieldError[];

const backendName = (svc: InferenceService): string => svc.spec.backend ?? "vllm";

const source: Rule = (svc, engine) => {
  const src = svc.spec.model.source ?? "huggingface";
  if (engine.sources.includes(src)) return [];
  return [
    {
      path: "spec.model.source",
      detail: `${backendName(svc)} cannot read models from ${src}`,
      fix: `use one of ${engine.sources.join(", ")}, or another backend`,
    },
  ];
};

const SCHEMES: Record<string, string> = { s3: "s3://", gcs: "gs://" };

const location: Rule = (svc) => {
  const { model } = svc.spec;
  const src = model.source ?? "huggingface";
  const scheme = SCHEMES[src];
  if (scheme && !model.uri?.startsWith(scheme))
    return [
      { path: "spec.model.uri", detail: `source ${src} needs a ${scheme} URI`, fix: `set ${scheme}bucket/prefix` },
    ];
  if (src === "pvc" && !model.pvcName)
    return [{ path: "spec.model.pvcName", detail: "source pvc needs a claim", fix: "name the PersistentVolumeClaim" }];
  if (src === "local" && !model.hostPath?.startsWith("/"))
    return [
      { path: "spec.model.hostPath", detail: "source local needs a node directory", fix: "set an absolute path" },
    ];
  return [];
};

const quantization: Rule = (svc, engine) => {
  const q = svc.spec.backendConfig?.quantization;
  if (q === undefined || engine.quantizations.includes(q)) return [];
  const fix =
    engine.quantizations.length === 0
      ? `${backendName(svc)} reads quantization from the checkpoint: remove it and serve a quantized checkpoint`
      : `use one of ${engine.quantizations.join(", ")}`;
  return [{ path: "spec.backendConfig.quantization", detail: `${backendName(svc)} has no quantization "${q}"`, fix }];
};

const revision: Rule = (svc, engine) => {
  if (svc.spec.model.revision === undefined) return [];
  if (!engine.revision)
    return [
      {
        path: "spec.model.revision",
        detail: `${backendName(svc)} has no revision flag`,
        fix: "remove it, or pin the revision in the model path",
      },
    ];
  if ((svc.spec.model.source ?? "huggingface") !== "huggingface")
    return [{ path: "spec.model.revision", detail: "a revision is a Hugging Face one", fix: "remove it" }];
  return [];
};

const multiNode: Rule = (svc, engine) => {
  if (pipelineParallelism(svc) <= 1 || engine.multiNode) return [];
  return [
    {
      path: "spec.backendConfig.pipelineParallelism",
      detail: `${backendName(svc)} has no multi-node form in inferplane (vLLM's Ray form is the one it runs)`,
      fix: "use backend vllm, or pipelineParallelism 1 with more GPUs per pod",
    },
  ];
};

/** One replica's pods each take a node; every replica's pods must fit the largest cluster. */
const scale: Rule = (svc) => {
  const pp = pipelineParallelism(svc);
  if (pp > MAX_CLUSTER_NODES)
    return [
      {
        path: "spec.backendConfig.pipelineParallelism",
        detail: `${pp} pods per replica span more nodes than a Kubernetes cluster holds (${MAX_CLUSTER_NODES})`,
        fix: `use at most ${MAX_CLUSTER_NODES}`,
      },
    ];
  const replicas = Math.max(svc.spec.replicas ?? 1, svc.spec.autoscaling?.maxReplicas ?? 0);
  return replicas * pp > MAX_CLUSTER_PODS
    ? [
        {
          path: svc.spec.autoscaling?.maxReplicas !== undefined ? "spec.autoscaling.maxReplicas" : "spec.replicas",
          detail: `${replicas} replicas × ${pp} pods are more than a Kubernetes cluster runs (${MAX_CLUSTER_PODS})`,
          fix: "lower the replicas or pipelineParallelism",
        },
      ]
    : [];
};

const parallelism: Rule = (svc) => {
  const tp = tensorParallelism(svc);
  const gpus = gpusPerPod(svc);
  if (tp <= gpus) return [];
  const pp = pipelineParallelism(svc);
  return [
    {
      path: "spec.backendConfig.tensorParallelism",
      detail: `tensor × pipeline parallelism ${tp} × ${pp} needs ${tp * pp} GPUs; a replica gets ${gpus * pp} (${gpus} per pod)`,
      fix: `lower tensorParallelism to ${gpus} or raise spec.gpu.count to ${tp}`,
    },
  ];
};

const tritonConfig: Rule = (svc) => {
  if (backendName(svc) !== "triton") return [];
  const config = svc.spec.backendConfig ?? {};
  return (["maxBatchSize", "maxSeqLen", "tensorParallelism"] as const)
    .filter((key) => config[key] !== undefined)
    .map((key) => ({
      path: `spec.backendConfig.${key}`,
      detail: "Triton reads it from each model's configuration, not its command line",
      fix: "set it in the model repository (config.pbtxt or model.json) and remove it here",
    }));
};

const scaling: Rule = (svc, engine) => {
  const a = svc.spec.autoscaling;
  if (!a) return [];
  const errors: FieldError[] = (a.metrics ?? []).flatMap((m, i) =>
    engine.scalesOn.includes(m.type)
      ? []
      : [
          {
            path: `spec.autoscaling.metrics[${i}].type`,
            detail: `${backendName(svc)} exports no per-pod ${m.type} series`,
            fix: `scale on ${engine.scalesOn.join(", ")}`,
          },
        ],
  );
  if ((a.metrics ?? []).length > 0 && a.maxReplicas === undefined)
    errors.push({
      path: "spec.autoscaling.maxReplicas",
      detail: "required with metrics",
      fix: "set the most replicas",
    });
  if (a.minReplicas === 0 && a.strategy === "hpa")
    errors.push({
      path: "spec.autoscaling.minReplicas",
      detail: "a HorizontalPodAutoscaler cannot scale to zero",
      fix: "set minReplicas ≥ 1, or use strategy keda",
    });
  return errors;
};

/**
 * The InferenceService's name becomes its Service's (a DNS-1035 label), the value of its pod label
 * and, when one replica spans nodes, the name of its ModelInfer, whose entry pods' hostnames are made
 * from it: each is checked by the apiserver's rule where it lands (src/modelinfer/emitted-names.ts).
 */
const emittedNames: Rule = (svc) => {
  const name = svc.metadata.name ?? "";
  const names: EmittedName[] = [
    { field: "Service metadata.name", value: name, rule: DNS1035_LABEL_RULE },
    { field: `metadata.labels[${LABEL_INFERENCE_SERVICE}]`, value: name, rule: LABEL_VALUE_RULE },
  ];
  const pp = pipelineParallelism(svc);
  if (pp > 1) {
    const replicas = Math.max(svc.spec.replicas ?? 1, svc.spec.autoscaling?.maxReplicas ?? 1);
    const place = { modelInfer: name, role: MODELINFER_ROLE, groupIndex: replicas - 1, roleIndex: 0 };
    names.push(...podPlaceNames({ ...place, podIndex: 0, withService: true, withPodGroup: true }));
    names.push(...podPlaceNames({ ...place, podIndex: pp - 1, withService: true, withPodGroup: true }));
  }
  const broken = brokenNames(names)[0];
  return broken
    ? [{ path: "metadata.name", detail: brokenNameDetail(broken), fix: nameRuleFix("metadata.name", name, broken) }]
    : [];
};

/**
 * Values copied into the pods' node selector: spec.nodeSelector as labels, and gpu.type as the
 * value of nvidia.com/gpu.product (a family name, e.g. nvidia-a100, stands for its products, which
 * are label values). A space, a non-ASCII letter or 64 characters make every pod invalid.
 */
const nodeSelection: Rule = (svc) => {
  const errors = labelMapErrors("spec.nodeSelector", svc.spec.nodeSelector, "the pods' nodeSelector");
  const type = svc.spec.gpu?.type;
  if (type === undefined) return errors;
  const where = `nodeSelector[${LABEL_GPU_PRODUCT}]`;
  const broken = productsOf(type).flatMap((p) => copiedValueError("spec.gpu.type", p, LABEL_VALUE_RULE, where) ?? []);
  return [...errors, ...broken.slice(0, 1)];
};

/** The launch as far as it decides which flags the controller owns. */
function launchOf(svc: InferenceService): EngineLaunch {
  return {
    model: svc.spec.model.name,
    servedName: svc.spec.model.name,
    source: svc.spec.model.source ?? "huggingface",
    tensorParallelism: tensorParallelism(svc),
    pipelineParallelism: pipelineParallelism(svc),
    prefixCaching: svc.spec.cache?.enabled === true,
    extraArgs: [],
  };
}

function ownedFlagError(path: string, arg: string, flag: OwnedFlag, how: string): FieldError {
  const fix = flag.field.startsWith("spec.")
    ? `set ${flag.field} instead, and remove it here`
    : `remove it: ${flag.field.replace(/^nothing: /, "")}`;
  return {
    path,
    detail: `"${arg}" ${how} --${flag.name}, which inferplane sets; the engine would run on this value, not the spec's`,
    fix,
  };
}

/**
 * backendConfig.extraArgs may not set a flag the controller sets from the spec (in any spelling:
 * `--port=9000`, `-tp 8`, vLLM's `--tensor_parallel_size`, an abbreviation), since the engine takes
 * the later value: `--port 9000` leaves the Service and probes on 8000, `-tp 8` slips past the
 * parallelism check. Nor `--`, after which every flag (the GPU enhancer's too) is a positional argument.
 */
const extraArgs: Rule = (svc, engine) => {
  const owned = engine.owned(launchOf(svc));
  return (svc.spec.backendConfig?.extraArgs ?? []).flatMap((arg, i): FieldError[] => {
    const path = `spec.backendConfig.extraArgs[${i}]`;
    if (arg === END_OF_OPTIONS)
      return [
        {
          path,
          detail: `"--" ends the engine's options: every flag after it, inferplane's too, becomes a positional argument`,
          fix: "remove it",
        },
      ];
    const name = flagWord(arg, engine.cli)?.name;
    const set = owned.find((f) => f.name === name);
    if (set) return [ownedFlagError(path, arg, set, "sets")];
    const abbreviated = abbreviatedFlag(
      arg,
      owned.map((f) => f.name),
      engine.cli,
    );
    const short = owned.find((f) => f.name === abbreviated);
    return short ? [ownedFlagError(path, arg, short, "abbreviates")] : [];
  });
};

const RULES: readonly Rule[] = [
  source,
  location,
  quantization,
  revision,
  multiNode,
  scale,
  parallelism,
  tritonConfig,
  scaling,
  emittedNames,
  nodeSelection,
  extraArgs,
];

/** Every field error of the spec against its engine. Pure. */
export function inferenceServiceErrors(svc: InferenceService): FieldError[] {
  const engine = engineFor(svc.spec.backend);
  return RULES.flatMap((rule) => rule(svc, engine));
}

/** Questionable but allowed: caching that needs a TokenCache, tensor parallelism below the pod's GPUs. */
export function inferenceServiceWarnings(svc: InferenceService): string[] {
  const warnings: string[] = [];
  const cache = svc.spec.cache;
  if (cache?.enabled && cache.strategy && cache.strategy !== "prefix" && !cache.tokenCacheRef)
    warnings.push(`cache strategy ${cache.strategy} needs spec.cache.tokenCacheRef; only GPU prefix caching is on`);
  const given = svc.spec.backendConfig?.tensorParallelism;
  if (given !== undefined && wholeGpus(svc) && given < gpusPerPod(svc))
    warnings.push(
      `tensorParallelism ${given} is below the ${gpusPerPod(svc)} GPUs per pod; the engine uses all of them`,
    );
  return warnings;
}

/** A GPUPool or TokenCache the spec names that does not exist (yet): allowed, the controller waits for it. */
export function missingReferenceWarnings(svc: InferenceService, namespace: string, view: ClusterReader): string[] {
  const warnings: string[] = [];
  const pool = svc.spec.gpu?.pool;
  if (pool && !view.get(GPUPoolKind, namespace, pool))
    warnings.push(`GPUPool ${pool} does not exist; the controller waits for it`);
  const cache = svc.spec.cache?.tokenCacheRef;
  if (cache && !view.get(TokenCacheKind, namespace, cache))
    warnings.push(`TokenCache ${cache} does not exist; the controller waits for it`);
  return warnings;
}
