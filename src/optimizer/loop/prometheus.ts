import type { LoadSeries } from "../../engines/index.js";
import { instantQuery } from "../../prometheus/query.js";
import type { MeasuredLoad } from "./collect.js";
import type { Workload } from "./workload.js";

/** Pod names as an RE2 alternation that matches exactly them. */
export function podNamesPattern(names: readonly string[]): string {
  return `(${names.map((n) => n.replace(/[.]/g, "\\.")).join("|")})`;
}

/**
 * Where one workload's load is read: its pods (a name pattern; undefined when a label selector
 * found none), its engine's counters, and the load its labels carry when Prometheus has none.
 */
export interface LoadQuery {
  server: string;
  namespace: string;
  podPattern: string | undefined;
  /** Why there is no pattern (no pod carries its labels). */
  noPods?: string;
  series: LoadSeries | undefined;
  labelTokens: number;
}

export function loadQuery(w: Workload, podNames?: readonly string[]): LoadQuery {
  const query: LoadQuery = {
    server: w.server,
    namespace: w.ref.namespace,
    podPattern: undefined,
    series: w.series,
    labelTokens: w.labelLoad.tokens,
  };
  if ("namePattern" in w.pods) query.podPattern = w.pods.namePattern;
  else if (podNames && podNames.length > 0) query.podPattern = podNamesPattern(podNames);
  else query.noPods = `no pod carries ${w.pods.labelSelector}`;
  return query;
}

export interface LoadReadings {
  loads: Map<string, MeasuredLoad>;
  /** Servers whose load came from labels instead, and why. */
  fallbacks: { server: string; reason: string }[];
}

/** The PromQL series selector of a namespace's pods whose names match `pattern` (RE2, anchored). */
function selector(q: LoadQuery, pattern: string): string {
  const escape = (v: string): string => v.replace(/[\\"]/g, (c) => `\\${c}`);
  return `{namespace="${escape(q.namespace)}",pod=~"${escape(pattern)}"}`;
}

type Askable = { baseUrl: string; series: LoadSeries; podPattern: string };

/** What a query needs, or why it cannot be asked. */
function askable(baseUrl: string | undefined, q: LoadQuery): Askable | string {
  if (!baseUrl) return "no Prometheus configured";
  if (!q.series) return "its engine exports no load counters to Prometheus";
  if (q.podPattern === undefined) return q.noPods ?? "no pods";
  return { baseUrl, series: q.series, podPattern: q.podPattern };
}

/** One server's requests/minute and tokens per request over `window`, from its engine's counters. */
async function readOne(
  q: LoadQuery,
  target: Askable,
  window: string,
  timeoutMs: number,
  at: Date,
): Promise<MeasuredLoad | string> {
  const rate = (metric: string): Promise<number | undefined> =>
    instantQuery(target.baseUrl, `sum(rate(${metric}${selector(q, target.podPattern)}[${window}]))`, timeoutMs, at);
  const { series } = target;
  const [requests, prompt, generated] = await Promise.all([
    rate(series.requests),
    rate(series.promptTokens),
    rate(series.generationTokens),
  ]);
  if (requests === undefined) return `Prometheus has no ${series.requests} series for its pods`;
  return {
    rpm: requests * 60,
    inTokens: requests > 0 ? (prompt ?? 0) / requests : 0,
    outTokens: requests > 0 && generated !== undefined ? generated / requests : q.labelTokens,
  };
}

/** Requests/minute and tokens per request of each server over `window`, from its engine's counters. */
export async function readLoads(
  baseUrl: string | undefined,
  queries: readonly LoadQuery[],
  window: string,
  timeoutMs = 5000,
): Promise<LoadReadings> {
  const readings: LoadReadings = { loads: new Map(), fallbacks: [] };
  // One evaluation time for every query, so the token/request ratios come from the same samples.
  const at = new Date();
  for (const q of queries) {
    const target = askable(baseUrl, q);
    if (typeof target === "string") {
      readings.fallbacks.push({ server: q.server, reason: target });
      continue;
    }
    try {
      const load = await readOne(q, target, window, timeoutMs, at);
      if (typeof load === "string") readings.fallbacks.push({ server: q.server, reason: load });
      else readings.loads.set(q.server, load);
    } catch (err) {
      readings.fallbacks.push({ server: q.server, reason: (err as Error).message });
    }
  }
  return readings;
}
