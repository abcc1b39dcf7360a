import type { Container, Pod } from "kubernetes-types/core/v1.js";
import type { PdRole } from "../../src/apis/production-stack.js";
import { engineOf, type GpuAsk } from "./ask.js";
import { flagValue, mergeFlags, setManagedEnv, type Flag } from "./container-edits.js";
import { engineArgs } from "./engine-args.js";
import { ENGINES } from "../../src/engines/index.js";
import type { Backend } from "../../src/apis/inference-ai.js";

const NIXL_SIDE_CHANNEL_PORT = "5600";
const SGLANG_TRANSFER_BACKEND = "nixl";

const SGLANG_NAMES: Record<string, string> = {
  "tensor-parallel-size": "tp-size",
  "max-num-seqs": "max-running-requests",
  "max-num-batched-tokens": "chunked-prefill-size",
};
const TRTLLM_NAMES: Record<string, string> = {
  "tensor-parallel-size": "tp_size",
  "max-num-seqs": "max_batch_size",
  "max-num-batched-tokens": "max_num_tokens",
};

function engineConfig(ask: GpuAsk): Record<string, string> {
  return ask.pd?.pdd.spec.engineConfig ?? {};
}

/** Tensor parallelism from the GPU count, when whole GPUs are given and the config does not say. */
function tensorParallel(ask: GpuAsk): string | undefined {
  const given = engineConfig(ask)["tensor-parallel-size"];
  if (given !== undefined) return given;
  return ask.gpu?.mode === "exclusive" && ask.gpu.count > 1 ? String(ask.gpu.count) : undefined;
}

const TP_FLAGS = ["tensor-parallel-size", "tp-size", "tp_size"];
const PP_FLAGS = ["pipeline-parallel-size", "pp-size", "pp_size"];

/** A parallel size as the engine will run it: our value (which replaces the user's flag), else the user's flag, else 1. */
function parallelSize(engine: Container, backend: Backend, ours: string | undefined, flags: readonly string[]): number {
  const given = ours ?? flags.map((f) => flagValue(engine, f, backend)).find((v) => v !== undefined);
  return given !== undefined && /^[1-9]\d{0,4}$/.test(given) ? Number(given) : 1;
}

/**
 * The engine worker processes one pod runs — one per GPU rank, tensor × pipeline parallel — as
 * its flags will say after enhancement. Per-process settings (LMCache's tier sizes) are per worker.
 */
export function workersPerPod(engine: Container, ask: GpuAsk): number {
  const tp = parallelSize(engine, ask.backend, tensorParallel(ask), TP_FLAGS);
  const pp = parallelSize(engine, ask.backend, engineConfig(ask)["pipeline-parallel-size"], PP_FLAGS);
  return tp * pp;
}

function configFlags(ask: GpuAsk, names: Record<string, string>): Flag[] {
  const flags: Flag[] = Object.entries(engineConfig(ask)).map(([key, value]) => [names[key] ?? key, value]);
  const tp = tensorParallel(ask);
  const tpName = names["tensor-parallel-size"] ?? "tensor-parallel-size";
  if (tp !== undefined && !flags.some(([name]) => name === tpName)) flags.unshift([tpName, tp]);
  return flags;
}

/** vLLM's --kv-transfer-config: LMCache for the cache tiers, NIXL for a PD side, both through MultiConnector. */
function kvTransferConfig(ask: GpuAsk): Record<string, unknown> | undefined {
  const lmcache = ask.tokenCache ? { kv_connector: "LMCacheConnectorV1", kv_role: "kv_both" } : undefined;
  const nixl = ask.pd ? { kv_connector: "NixlConnector", kv_role: nixlRole(ask.pd.role) } : undefined;
  if (lmcache && nixl)
    return {
      kv_connector: "MultiConnector",
      kv_role: nixl.kv_role,
      kv_connector_extra_config: { connectors: [nixl, lmcache] },
    };
  return nixl ?? lmcache;
}

function nixlRole(role: PdRole): string {
  return role === "prefill" ? "kv_producer" : "kv_consumer";
}

function vllmFlags(ask: GpuAsk): Flag[] {
  const flags = configFlags(ask, {});
  if (ask.tokenCache?.spec.tiers.some((t) => t.type === "prefix")) flags.push(["enable-prefix-caching", undefined]);
  const transfer = kvTransferConfig(ask);
  if (transfer) flags.push(["kv-transfer-config", JSON.stringify(transfer)]);
  const sd = ask.speculative?.spec;
  if (sd)
    flags.push([
      "speculative-config",
      JSON.stringify({
        model: sd.draftModel,
        num_speculative_tokens: sd.numSpeculativeTokens ?? 5,
        method: sd.method ?? "draft_model",
      }),
    ]);
  return flags;
}

function sglangFlags(ask: GpuAsk): Flag[] {
  const flags = configFlags(ask, SGLANG_NAMES);
  flags.push(["enable-metrics", undefined]);
  if (ask.pd)
    flags.push(["disaggregation-mode", ask.pd.role], ["disaggregation-transfer-backend", SGLANG_TRANSFER_BACKEND]);
  const sd = ask.speculative?.spec;
  if (sd)
    flags.push(
      ["speculative-algorithm", (sd.method ?? "standalone").toUpperCase()],
      ["speculative-draft-model-path", sd.draftModel],
    );
  return flags;
}

/** The flags the GPU, cache and PD enhancers set on the engine for this ask (none for Triton). */
export function flagsFor(ask: GpuAsk): Flag[] {
  if (ask.backend === "triton") return [];
  if (ask.backend === "vllm") return vllmFlags(ask);
  if (ask.backend === "sglang") return sglangFlags(ask);
  return configFlags(ask, TRTLLM_NAMES);
}

const TRITON_PORTS = [
  { name: "http", containerPort: 8000 },
  { name: "grpc", containerPort: 8001 },
  { name: "metrics", containerPort: 8002 },
];

function tritonPorts(engine: Container): void {
  const ports = (engine.ports ??= []);
  for (const port of TRITON_PORTS)
    if (!ports.some((p) => p.containerPort === port.containerPort)) ports.push({ ...port, protocol: "TCP" });
}

/** Engine flags for the backend, merged into the engine container without duplicates. */
export function applyEngineFlags(pod: Pod, ask: GpuAsk): string[] {
  if (!pod.spec) return [];
  const engine = engineOf(pod, ask);
  if (ask.backend === "triton") tritonPorts(engine);
  const lists = engineArgs(engine, ask.backend);
  // enhanceGpuPod refuses a pod whose engine words cannot take the flags (checkEngineCommand) first.
  const warnings =
    typeof lists === "string"
      ? []
      : mergeFlags(lists, flagsFor(ask), ENGINES[ask.backend].cli, `container ${engine.name}`);
  if (ask.backend !== "vllm" || !ask.pd) return warnings;
  return [
    ...warnings,
    ...setManagedEnv(engine, [
      ["VLLM_NIXL_SIDE_CHANNEL_HOST", { valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }],
      ["VLLM_NIXL_SIDE_CHANNEL_PORT", { value: NIXL_SIDE_CHANNEL_PORT }],
    ]),
  ];
}
