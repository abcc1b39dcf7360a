/**
 * The inference engines an InferenceService runs, as facts from each engine's own documentation:
 * image, command line, port, health endpoint, what model sources and quantizations it reads,
 * whether it has a multi-node form, and its Prometheus series. One file per engine; the
 * controller builds containers from these and the validating webhook refuses what they lack.
 */
import type { Backend, ModelSource, ScalingMetric } from "../apis/inference-ai.js";
import type { EngineCli } from "./cli.js";

/** The HTTP port every engine serves its API (and, but for Triton, its /metrics) on. */
export const ENGINE_PORT = 8000;

/** What the engine is asked to load, resolved from spec.model and spec.backendConfig. */
export interface EngineLaunch {
  /** A Hugging Face id, an s3:// or gs:// URI, or a directory in the container. */
  model: string;
  /** The name clients ask for (spec.model.name). */
  servedName: string;
  source: ModelSource;
  tensorParallelism: number;
  pipelineParallelism: number;
  maxBatchSize?: number;
  maxSeqLen?: number;
  quantization?: string;
  revision?: string;
  prefixCaching: boolean;
  extraArgs: readonly string[];
}

/** A container's command and arguments. */
export interface EngineCommand {
  command: string[];
  args: string[];
}

/**
 * The Prometheus counters (per pod) the optimizer loop reads a replica's load from: requests served,
 * prompt tokens and generated tokens. Their rates give requests/minute and tokens per request.
 */
export interface LoadSeries {
  requests: string;
  promptTokens: string;
  generationTokens: string;
}

/** vLLM's counters (vllm/v1/metrics/loggers.py); Triton's vLLM backend reports the token counters under the same names. */
export const VLLM_LOAD_SERIES: LoadSeries = {
  requests: "vllm:request_success_total",
  promptTokens: "vllm:prompt_tokens_total",
  generationTokens: "vllm:generation_tokens_total",
};

export interface Engine {
  backend: Backend;
  /** The pinned default image (spec.image overrides it). */
  image: string;
  /** Readiness and startup: a path on ENGINE_PORT that answers 200 once the model is loaded. */
  healthPath: string;
  sources: readonly ModelSource[];
  /** `--quantization` values the engine accepts; empty: it reads quantization from the checkpoint only. */
  quantizations: readonly string[];
  /** Whether spec.model.revision maps to a flag. */
  revision: boolean;
  /** The metric types there is a real per-pod series for (see metricSeries). */
  scalesOn: readonly ScalingMetric["type"][];
  /** The counters the optimizer loop reads the load from; undefined when the engine exports none to Prometheus. */
  loadSeries?: LoadSeries;
  /** Extra container ports beside http (Triton's gRPC and metrics). */
  ports: readonly { name: string; containerPort: number }[];
  /** How its command line reads flags (aliases, abbreviations). */
  cli: EngineCli;
  /**
   * The words that start the engine in a command line, the first compared by its base name:
   * `["vllm", "serve"]`, `["-m", "sglang.launch_server"]` (after python3). How a pod's container is
   * recognised as running this engine, also inside a shell script.
   */
  launchers: readonly (readonly string[])[];
  /**
   * Launchers of the engine's worker processes, which take their flags from the entry (vLLM's Ray
   * workers: `ray start --address=…`): a container running one and not the engine gets no flags.
   */
  workerLaunchers?: readonly (readonly string[])[];
  /**
   * The flags the controller sets for this launch, by canonical name, each with the field of the
   * InferenceService that sets it (or why none can): backendConfig.extraArgs may not set them,
   * since the engine would take the later value and run otherwise than the Service, probes and
   * GPU count say.
   */
  owned(launch: EngineLaunch): readonly OwnedFlag[];
  /** Single-pod replica. */
  serve(launch: EngineLaunch): EngineCommand;
  /** Multi-node replica (pipelineParallelism > 1): entry and worker commands, or undefined when the engine has none. */
  multiNode?: (launch: EngineLaunch) => { entry: EngineCommand; worker: EngineCommand };
}

/** A flag the controller sets, by canonical name, and the field that sets it (or what fixes it). */
export interface OwnedFlag {
  name: string;
  /** `spec.backendConfig.tensorParallelism`, or a sentence when no field sets it. */
  field: string;
}

/** The engine's HTTP address: the Service and probes use port 8000 on every address. */
export const LISTEN_FIELD = "nothing: the Service and probes reach the engine on 0.0.0.0:8000";

/** Flags whose value is known, in order; undefined values are left out. */
export function flags(pairs: ReadonlyArray<[string, string | number | undefined]>): string[] {
  return pairs.flatMap(([name, value]) => (value === undefined ? [] : [name, String(value)]));
}
