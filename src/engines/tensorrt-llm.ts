import type { Engine, EngineLaunch, OwnedFlag } from "./engine.js";
import { ENGINE_PORT, LISTEN_FIELD, flags } from "./engine.js";
import { PLAIN_CLI } from "./cli.js";

/** What serveArgs sets (trtllm-serve's click options), by the field that sets it. */
const OWNED: readonly OwnedFlag[] = [
  { name: "host", field: LISTEN_FIELD },
  { name: "port", field: LISTEN_FIELD },
  { name: "tp_size", field: "spec.backendConfig.tensorParallelism" },
  { name: "pp_size", field: "spec.backendConfig.pipelineParallelism" },
  { name: "max_batch_size", field: "spec.backendConfig.maxBatchSize" },
  { name: "max_seq_len", field: "spec.backendConfig.maxSeqLen" },
];

/** `trtllm-serve <model>` (TensorRT-LLM commands/trtllm-serve): the host defaults to localhost. */
function serveArgs(launch: EngineLaunch): string[] {
  return [
    launch.model,
    ...flags([
      ["--host", "0.0.0.0"],
      ["--port", ENGINE_PORT],
      ["--tp_size", launch.tensorParallelism],
      ["--pp_size", launch.pipelineParallelism],
      ["--max_batch_size", launch.maxBatchSize],
      ["--max_seq_len", launch.maxSeqLen],
    ]),
    ...launch.extraArgs,
  ];
}

/**
 * TensorRT-LLM's OpenAI-compatible server. Its /metrics is JSON iteration statistics, not
 * Prometheus, so it scales on DCGM's GPU utilization only; quantization comes from the checkpoint.
 */
export const TENSORRT_LLM: Engine = {
  backend: "tensorrt-llm",
  image: "nvcr.io/nvidia/tensorrt-llm/release:1.0.0",
  healthPath: "/health",
  sources: ["huggingface", "pvc", "local"],
  quantizations: [],
  revision: false,
  scalesOn: ["gpu-utilization"],
  ports: [],
  cli: PLAIN_CLI,
  launchers: [["trtllm-serve"]],
  owned: () => OWNED,
  serve: (launch) => ({ command: ["trtllm-serve"], args: serveArgs(launch) }),
};
