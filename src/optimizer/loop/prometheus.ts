import type { ManagedServer, MeasuredLoad } from "./collect.js";

/** vLLM's counters, summed over a Deployment's pods. */
const VLLM_REQUESTS = "vllm:request_success_total";
const VLLM_PROMPT_TOKENS = "vllm:prompt_tokens_total";
const VLLM_GENERATION_TOKENS = "vllm:generation_tokens_total";

export class PrometheusError extends Error {}

interface QueryReply {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: { value?: [number, string] }[] };
}

/** Prometheus' HTTP API: one instant query; undefined when the answer holds no series. */
export async function instantQuery(
  baseUrl: string,
  query: string,
  timeoutMs: number,
  at?: Date,
): Promise<number | undefined> {
  const url = new URL("/api/v1/query", baseUrl);
  url.searchParams.set("query", query);
  if (at) url.searchParams.set("time", (at.getTime() / 1000).toFixed(3));
  let reply: QueryReply;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    reply = (await res.json()) as QueryReply;
    if (!res.ok || reply.status !== "success")
      throw new PrometheusError(`${query}: HTTP ${res.status}: ${reply.error ?? "query failed"}`);
  } catch (err) {
    if (err instanceof PrometheusError) throw err;
    throw new PrometheusError(`${query}: ${(err as Error).message}`);
  }
  const series = reply.data?.result ?? [];
  if (series.length === 0) return undefined;
  return series.reduce((sum, s) => sum + Number(s.value?.[1] ?? 0), 0);
}

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
