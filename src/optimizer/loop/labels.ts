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

/** A label value of a number: at most two decimals, as label values must stay short and plain. */
export function numberLabel(value: number): string {
  return String(Math.round(value * 100) / 100);
}
