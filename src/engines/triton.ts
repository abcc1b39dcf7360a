import type { Engine, OwnedFlag } from "./engine.js";
import { ENGINE_PORT, LISTEN_FIELD, VLLM_LOAD_SERIES } from "./engine.js";

/** What the controller sets, by the field that sets it. */
const OWNED: readonly OwnedFlag[] = [
  { name: "model-repository", field: "spec.model" },
  { name: "http-port", field: LISTEN_FIELD },
  { name: "grpc-port", field: "nothing: the Service's grpc port is 8001" },
  { name: "metrics-port", field: "nothing: the Service's metrics port is 8002" },
];

/** Triton's gRPC and Prometheus ports (tritonserver defaults, named as the GPU enhancer names them). */
export const TRITON_GRPC_PORT = 8001;
export const TRITON_METRICS_PORT = 8002;

/**
 * NVIDIA Triton Inference Server: `tritonserver --model-repository=<dir | s3://… | gs://…>`, ready
 * at /v2/health/ready (KServe v2 protocol). Batch size, sequence length, parallelism and
 * quantization live in each model's config, not on the command line.
 */
export const TRITON: Engine = {
  backend: "triton",
  image: "nvcr.io/nvidia/tritonserver:25.09-vllm-python-py3",
  healthPath: "/v2/health/ready",
  sources: ["s3", "gcs", "pvc", "local"],
  quantizations: [],
  revision: false,
  scalesOn: ["gpu-utilization", "queue-depth"],
  // Requests: Triton's own per-model counter; tokens: its vLLM backend's (src/utils/metrics.py), when
  // the model's config turns REPORT_CUSTOM_METRICS on.
  loadSeries: { ...VLLM_LOAD_SERIES, requests: "nv_inference_request_success" },
  ports: [
    { name: "grpc", containerPort: TRITON_GRPC_PORT },
    { name: "metrics", containerPort: TRITON_METRICS_PORT },
  ],
  // tritonserver reads options with getopt_long, which takes unambiguous prefixes.
  cli: { aliases: { "model-repository": ["--model-store"] }, flexible: false, abbreviations: true },
  launchers: [["tritonserver"]],
  owned: () => OWNED,
  serve: (launch) => ({
    command: ["tritonserver"],
    args: [
      `--model-repository=${launch.model}`,
      `--http-port=${ENGINE_PORT}`,
      `--grpc-port=${TRITON_GRPC_PORT}`,
      `--metrics-port=${TRITON_METRICS_PORT}`,
      ...launch.extraArgs,
    ],
  }),
};
