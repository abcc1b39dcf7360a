/** Prometheus' HTTP API (prometheus.io/docs/prometheus/latest/querying/api), as the optimizer loop and the InferenceCache reader use it. */

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
