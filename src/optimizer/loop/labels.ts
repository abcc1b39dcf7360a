/** inferno's Deployment labels: what the control loop reads, and writes back after solving. */
export const MANAGED = "inferno.server.managed";
export const SERVER_NAME = "inferno.server.name";
export const MODEL = "inferno.server.model";
export const SERVICE_CLASS = "inferno.server.class";
export const ACCELERATOR = "inferno.server.allocation.accelerator";
export const MAX_BATCH = "inferno.server.allocation.maxbatchsize";
export const LOAD_RPM = "inferno.server.load.rpm";
export const LOAD_TOKENS = "inferno.server.load.numtokens";
/** inferplane's addition: never scale a server below this (default 1; inferno would scale idle servers to zero). */
export const MIN_REPLICAS = "inferno.server.minreplicas";
/**
 * inferplane's additions, beside inferno's keys: a server's own SLOs, each replacing its class's
 * target for the model — inter-token latency, time to first token and (V1) waiting time in
 * milliseconds, throughput in output tokens/second (inferno's slo-itl, slo-ttft, slo-ttw, slo-tps).
 */
export const SLO_ITL = "inferno.server.slo.itl";
export const SLO_TTFT = "inferno.server.slo.ttft";
export const SLO_TTW = "inferno.server.slo.ttw";
export const SLO_TPS = "inferno.server.slo.tps";

/** A label value of a number: at most two decimals, as label values must stay short and plain. */
export function numberLabel(value: number): string {
  return String(Math.round(value * 100) / 100);
}

interface Metadata {
  labels?: Readonly<Record<string, string>>;
  annotations?: Readonly<Record<string, string>>;
}

/**
 * One of the keys above on an object: its label, else its annotation of the same name (a model
 * name such as `meta-llama/Llama-3.1-8B` is no valid label value). Undefined when neither is set.
 */
export function keyOf(metadata: Metadata | undefined, key: string): string | undefined {
  return metadata?.labels?.[key] || metadata?.annotations?.[key] || undefined;
}
