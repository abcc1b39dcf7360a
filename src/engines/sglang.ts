import type { Engine, EngineLaunch, OwnedFlag } from "./engine.js";
import { ENGINE_PORT, LISTEN_FIELD, flags } from "./engine.js";

/** What serveArgs sets, by the field that sets it. */
const OWNED: readonly OwnedFlag[] = [
  { name: "model-path", field: "spec.model" },
  { name: "host", field: LISTEN_FIELD },
  { name: "port", field: LISTEN_FIELD },
  { name: "served-model-name", field: "spec.model.name" },
  { name: "tp-size", field: "spec.backendConfig.tensorParallelism" },
  { name: "max-running-requests", field: "spec.backendConfig.maxBatchSize" },
  { name: "context-length", field: "spec.backendConfig.maxSeqLen" },
  { name: "quantization", field: "spec.backendConfig.quantization" },
  { name: "revision", field: "spec.model.revision" },
];

/** `python3 -m sglang.launch_server` (SGLang server arguments); RadixAttention prefix caching is on by default. */
function serveArgs(launch: EngineLaunch): string[] {
  return [
    ...flags([
      ["--model-path", launch.model],
      ["--host", "0.0.0.0"],
      ["--port", ENGINE_PORT],
      ["--served-model-name", launch.servedName],
      ["--tp-size", launch.tensorParallelism],
      ["--max-running-requests", launch.maxBatchSize],
      ["--context-length", launch.maxSeqLen],
      ["--quantization", launch.quantization],
      ["--revision", launch.revision],
    ]),
    ...launch.extraArgs,
  ];
}

/** SGLang; the GPU enhancer adds --enable-metrics, which serves sglang:* series at /metrics. */
export const SGLANG: Engine = {
  backend: "sglang",
  image: "lmsysorg/sglang:v0.5.19-cu129",
  healthPath: "/health",
  sources: ["huggingface", "pvc", "local"],
  quantizations: ["awq", "awq_marlin", "gptq", "gptq_marlin", "fp8", "bitsandbytes", "compressed-tensors", "modelopt"],
  revision: true,
  scalesOn: ["gpu-utilization", "queue-depth", "latency"],
  // python/sglang/srt/metrics/collector.py (TokenizerMetricsCollector).
  loadSeries: {
    requests: "sglang:num_requests_total",
    promptTokens: "sglang:prompt_tokens_total",
    generationTokens: "sglang:generation_tokens_total",
  },
  ports: [],
  // python/sglang/srt/server_args.py (ServerArgs.add_cli_args): plain argparse.
  cli: {
    aliases: {
      "tp-size": ["--tensor-parallel-size"],
      "pp-size": ["--pipeline-parallel-size"],
      "dp-size": ["--data-parallel-size"],
      "model-path": ["--model"],
    },
    flexible: false,
    abbreviations: true,
  },
  launchers: [["-m", "sglang.launch_server"]],
  owned: () => OWNED,
  serve: (launch) => ({ command: ["python3", "-m", "sglang.launch_server"], args: serveArgs(launch) }),
};
