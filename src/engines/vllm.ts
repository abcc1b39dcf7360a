import type { Engine, EngineCommand, EngineLaunch } from "./engine.js";
import { ENGINE_PORT, VLLM_LOAD_SERIES, flags } from "./engine.js";

/** Ray's GCS port on the head (vLLM's examples/online_serving/multi-node-serving.sh). */
export const RAY_PORT = 6379;

/**
 * `vllm serve` arguments (docs.vllm.ai engine arguments): the host defaults to localhost, so
 * 0.0.0.0 is explicit; s3:// and gs:// models need `--load-format runai_streamer`.
 */
function serveArgs(launch: EngineLaunch): string[] {
  const objectStore = launch.source === "s3" || launch.source === "gcs";
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
      ["--load-format", objectStore ? "runai_streamer" : undefined],
    ]),
    ...(launch.prefixCaching ? ["--enable-prefix-caching"] : []),
    ...launch.extraArgs,
  ];
}

/**
 * The Ray head, then `vllm serve` once GROUP_SIZE Ray nodes are alive (the wait of vLLM's
 * multi-node-serving.sh leader); the engine's arguments arrive as "$@", so the GPU enhancer's
 * flag merging still sees them in `args`.
 */
const HEAD_SCRIPT = [
  `ray start --head --port=${RAY_PORT} --dashboard-host=0.0.0.0`,
  `until [ "$(python3 -c 'import ray; ray.init(address="auto", logging_level="ERROR"); print(sum(n["Alive"] for n in ray.nodes()))')" -ge "$GROUP_SIZE" ]; do`,
  '  echo "waiting for $GROUP_SIZE Ray nodes"; sleep 5',
  "done",
  'exec vllm serve "$@"',
].join("\n");

/** A Ray worker joining the head at ENTRY_ADDRESS (set on every ModelInfer pod), in the foreground. */
const WORKER_SCRIPT = `exec ray start --address="\${ENTRY_ADDRESS}:${RAY_PORT}" --block`;

function multiNode(launch: EngineLaunch): { entry: EngineCommand; worker: EngineCommand } {
  return {
    entry: { command: ["/bin/sh", "-c", HEAD_SCRIPT, "vllm"], args: serveArgs(launch) },
    worker: { command: ["/bin/sh", "-c", WORKER_SCRIPT], args: [] },
  };
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
  serve: (launch) => ({ command: ["vllm", "serve"], args: serveArgs(launch) }),
  multiNode,
};
