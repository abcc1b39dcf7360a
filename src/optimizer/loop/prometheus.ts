import { instantQuery } from "../../prometheus/query.js";
import type { ManagedServer, MeasuredLoad } from "./collect.js";

/** vLLM's counters, summed over a Deployment's pods. */
const VLLM_REQUESTS = "vllm:request_success_total";
const VLLM_PROMPT_TOKENS = "vllm:prompt_tokens_total";
const VLLM_GENERATION_TOKENS = "vllm:generation_tokens_total";

/** A Deployment's pods are <deployment>-<replicaset hash>-<suffix> in its namespace. */
function podSelector(s: Pick<ManagedServer, "namespace" | "deployment">): string {
  const escape = (v: string): string => v.replace(/[\\"]/g, (c) => `\\${c}`);
  return `{namespace="${escape(s.namespace)}",pod=~"${escape(s.deployment.replace(/[.]/g, "\\\\."))}-[^-]+-[^-]+"}`;
}

export interface LoadReadings {
  loads: Map<string, MeasuredLoad>;
  /** Servers whose load came from labels instead, and why. */
  fallbacks: { server: string; reason: string }[];
}

/** Requests/minute and tokens per request of each server over `window`, from vLLM's counters. */
export async function readLoads(
  baseUrl: string | undefined,
  servers: readonly ManagedServer[],
  window: string,
  timeoutMs = 5000,
): Promise<LoadReadings> {
  const readings: LoadReadings = { loads: new Map(), fallbacks: [] };
  // One evaluation time for every query, so the token/request ratios come from the same samples.
  const at = new Date();
  for (const s of servers) {
    if (!baseUrl) {
      readings.fallbacks.push({ server: s.server, reason: "no Prometheus configured" });
      continue;
    }
    const rate = (metric: string): Promise<number | undefined> =>
      instantQuery(baseUrl, `sum(rate(${metric}${podSelector(s)}[${window}]))`, timeoutMs, at);
    try {
      const [requests, prompt, generated] = await Promise.all([
        rate(VLLM_REQUESTS),
        rate(VLLM_PROMPT_TOKENS),
        rate(VLLM_GENERATION_TOKENS),
      ]);
      if (requests === undefined) {
        readings.fallbacks.push({ server: s.server, reason: "Prometheus has no vLLM metrics for its pods" });
        continue;
      }
      readings.loads.set(s.server, {
        rpm: requests * 60,
        inTokens: requests > 0 ? (prompt ?? 0) / requests : 0,
        outTokens: requests > 0 ? (generated ?? 0) / requests : s.labelLoad.tokens,
      });
    } catch (err) {
      readings.fallbacks.push({ server: s.server, reason: (err as Error).message });
    }
  }
  return readings;
}
