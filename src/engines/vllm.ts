import type { Engine, EngineCommand, EngineLaunch, OwnedFlag } from "./engine.js";
import { ENGINE_PORT, LISTEN_FIELD, VLLM_LOAD_SERIES, flags } from "./engine.js";
import { shellQuote } from "./shell.js";

/** Ray's GCS port on the head (vLLM's examples/online_serving/multi-node-serving.sh). */
export const RAY_PORT = 6379;

/**
 * `vllm serve` arguments (docs.vllm.ai engine arguments): the host defaults to localhost, so
 * 0.0.0.0 is explicit; s3:// and gs:// models need `--load-format runai_streamer`.
 */
function serveArgs(launch: EngineLaunch): string[] {
  return [
    launch.model,
    ...flags([
      ["--host", "0.0.0.0"],
      ["--port", ENGINE_PORT],
      ["--served-model-name", launch.servedName],
      ["--tensor-parallel-size", launch.tensorParallelism],
      ["--pipeline-parallel-size", launch.pipelineParallelism > 1 ? launch.pipelineParallelism : undefined],
      ["--distributed-executor-backend", launch.pipelineParallelism > 1 ? "ray" : undefined],
      ["--max-num-seqs", launch.maxBatchSize],
      ["--max-model-len", launch.maxSeqLen],
      ["--quantization", launch.quantization],
      ["--revision", launch.revision],
      ["--load-format", objectStore(launch) ? "runai_streamer" : undefined],
    ]),
    ...(launch.prefixCaching ? ["--enable-prefix-caching"] : []),
    ...launch.extraArgs,
  ];
}

/**
 * The Ray head, then `vllm serve` once GROUP_SIZE Ray nodes are alive (the wait of vLLM's
 * multi-node-serving.sh leader). The engine's arguments are written into the script, shell-quoted:
 * words after an `sh -c` script reach it as $0, $1…, so nothing relies on them, and the GPU
 * enhancer sets its flags on this `vllm serve` inside the script.
 */
function headScript(args: readonly string[]): string {
  return [
    `ray start --head --port=${RAY_PORT} --dashboard-host=0.0.0.0`,
    `until [ "$(python3 -c 'import ray; ray.init(address="auto", logging_level="ERROR"); print(sum(n["Alive"] for n in ray.nodes()))')" -ge "$GROUP_SIZE" ]; do`,
    '  echo "waiting for $GROUP_SIZE Ray nodes"; sleep 5',
    "done",
    `exec vllm serve ${args.map(shellQuote).join(" ")}`,
  ].join("\n");
}

/** A Ray worker joining the head at ENTRY_ADDRESS (set on every ModelInfer pod), in the foreground. */
const WORKER_SCRIPT = `exec ray start --address="\${ENTRY_ADDRESS}:${RAY_PORT}" --block`;

function multiNode(launch: EngineLaunch): { entry: EngineCommand; worker: EngineCommand } {
  return {
    entry: { command: ["/bin/sh", "-c", headScript(serveArgs(launch))], args: [] },
    worker: { command: ["/bin/sh", "-c", WORKER_SCRIPT], args: [] },
  };
}

function objectStore(launch: EngineLaunch): boolean {
  return launch.source === "s3" || launch.source === "gcs";
}

/** What serveArgs sets, by the field that sets it. */
function owned(launch: EngineLaunch): OwnedFlag[] {
  const flags: OwnedFlag[] = [
    { name: "model", field: "spec.model (vllm serve's positional argument)" },
    { name: "host", field: LISTEN_FIELD },
    { name: "port", field: LISTEN_FIELD },
    { name: "served-model-name", field: "spec.model.name" },
    { name: "tensor-parallel-size", field: "spec.backendConfig.tensorParallelism" },
    { name: "pipeline-parallel-size", field: "spec.backendConfig.pipelineParallelism" },
    { name: "max-num-seqs", field: "spec.backendConfig.maxBatchSize" },
    { name: "max-model-len", field: "spec.backendConfig.maxSeqLen" },
    { name: "quantization", field: "spec.backendConfig.quantization" },
    { name: "revision", field: "spec.model.revision" },
  ];
  if (launch.pipelineParallelism > 1)
    flags.push({
      name: "distributed-executor-backend",
      field: "spec.backendConfig.pipelineParallelism (above 1: Ray)",
    });
  if (objectStore(launch)) flags.push({ name: "load-format", field: "spec.model.source (s3 and gcs: runai_streamer)" });
  if (launch.prefixCaching)
    flags.push(
      { name: "enable-prefix-caching", field: "spec.cache.enabled" },
      { name: "no-enable-prefix-caching", field: "spec.cache.enabled" },
    );
  return flags;
}

/** vLLM's OpenAI-compatible server (`vllm serve`), health at /health, metrics at /metrics on the same port. */
export const VLLM: Engine = {
  backend: "vllm",
  image: "vllm/vllm-openai:v0.11.0",
  healthPath: "/health",
  sources: ["huggingface", "s3", "gcs", "pvc", "local"],
  quantizations: [
    "awq",
    "awq_marlin",
    "gptq",
    "gptq_marlin",
    "fp8",
    "bitsandbytes",
    "compressed-tensors",
    "gguf",
    "modelopt",
    "experts_int8",
  ],
  revision: true,
  scalesOn: ["gpu-utilization", "queue-depth", "latency"],
  loadSeries: VLLM_LOAD_SERIES,
  ports: [],
  // vllm/engine/arg_utils.py (add_cli_args) and vllm/utils/argparse_utils.py (FlexibleArgumentParser).
  cli: {
    aliases: { "tensor-parallel-size": ["-tp"], "pipeline-parallel-size": ["-pp"], quantization: ["-q"] },
    flexible: true,
    abbreviations: true,
  },
  launchers: [
    ["vllm", "serve"],
    ["-m", "vllm.entrypoints.openai.api_server"],
  ],
  workerLaunchers: [["ray", "start"]],
  owned,
  serve: (launch) => ({ command: ["vllm", "serve"], args: serveArgs(launch) }),
  multiNode,
};
