import type { HealthCheck } from "../../apis/production-stack.js";

/** A backend's probe state, as status reports it. */
export type HealthState = "Healthy" | "Unhealthy" | "Unknown";

/** What inferplane knows of one backend: its state and the run of equal outcomes that led there. */
export interface BackendHealth {
  state: HealthState;
  /** Passes in a row (0 after a failure). */
  successes: number;
  /** Failures in a row (0 after a pass). */
  failures: number;
  /** RFC 3339. */
  lastProbeTime: string;
  message: string;
}

/** One probe's outcome. */
export interface ProbeOutcome {
  ok: boolean;
  /** e.g. "GET /health: HTTP 200", "GET /health: no answer within 5 s". */
  message: string;
  /** RFC 3339. */
  at: string;
}

/** healthCheck with its defaults (CRD descriptions): timeout 5 s, period 10 s, success 1, failure 3. */
export interface HealthSettings {
  timeoutSeconds: number;
  periodSeconds: number;
  successThreshold: number;
  failureThreshold: number;
  excludeUnhealthy: boolean;
}

export function healthSettings(check: HealthCheck | undefined): HealthSettings {
  return {
    timeoutSeconds: check?.timeoutSeconds ?? 5,
    periodSeconds: check?.periodSeconds ?? 10,
    successThreshold: check?.successThreshold ?? 1,
    failureThreshold: check?.failureThreshold ?? 3,
    excludeUnhealthy: check?.excludeUnhealthy ?? false,
  };
}

/**
 * The state after one more probe, as the kubelet counts probes: a backend starts Unknown, turns
 * Healthy after `successThreshold` passes in a row and Unhealthy after `failureThreshold` failures
 * in a row, and otherwise keeps its state (one failure does not flip a Healthy backend). Pure.
 */
export function nextHealth(
  previous: BackendHealth | undefined,
  outcome: ProbeOutcome,
  settings: Pick<HealthSettings, "successThreshold" | "failureThreshold">,
): BackendHealth {
  const successes = outcome.ok ? (previous?.successes ?? 0) + 1 : 0;
  const failures = outcome.ok ? 0 : (previous?.failures ?? 0) + 1;
  let state: HealthState = previous?.state ?? "Unknown";
  if (successes >= settings.successThreshold) state = "Healthy";
  if (failures >= settings.failureThreshold) state = "Unhealthy";
  return { state, successes, failures, lastProbeTime: outcome.at, message: outcome.message };
}
