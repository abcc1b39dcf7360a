import type { Backend } from "../apis/inference-ai.js";
import type { Engine } from "./engine.js";
import { SGLANG } from "./sglang.js";
import { TENSORRT_LLM } from "./tensorrt-llm.js";
import { TRITON } from "./triton.js";
import { VLLM } from "./vllm.js";

export const ENGINES: Readonly<Record<Backend, Engine>> = {
  vllm: VLLM,
  sglang: SGLANG,
  triton: TRITON,
  "tensorrt-llm": TENSORRT_LLM,
};

/** The engine of a backend; vllm when none is given (the CRD's default). */
export function engineFor(backend: Backend | undefined): Engine {
  return ENGINES[backend ?? "vllm"];
}

export { ENGINE_PORT, VLLM_LOAD_SERIES, type Engine, type EngineLaunch, type LoadSeries } from "./engine.js";
