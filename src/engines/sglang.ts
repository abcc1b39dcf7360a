import type { Engine, EngineLaunch } from "./engine.js";
import { ENGINE_PORT, flags } from "./engine.js";

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
  serve: (launch) => ({ command: ["python3", "-m", "sglang.launch_server"], args: serveArgs(launch) }),
};
