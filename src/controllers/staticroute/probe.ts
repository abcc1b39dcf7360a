import type { ProbeOutcome } from "./health.js";

/** GET with a deadline: the status code, or why there is none. */
async function get(url: string, timeoutMs: number): Promise<{ status?: number; error?: string; body?: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    const e = err as Error;
    if (e.name === "TimeoutError") return { error: `no answer within ${timeoutMs / 1000} s` };
    const cause = (e.cause as { code?: string } | undefined)?.code;
    return { error: cause ?? e.message };
  }
}

function joinPath(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}

const ok = (status: number | undefined): boolean => status !== undefined && status >= 200 && status < 400;

/** `GET /health: HTTP 500`, or `GET /health: ECONNREFUSED`. */
function said(path: string, reply: { status?: number; error?: string }): string {
  return reply.status !== undefined ? `GET ${path}: HTTP ${reply.status}` : `GET ${path}: ${reply.error ?? ""}`;
}

/**
 * One probe of an OpenAI-compatible engine (DESIGN.md §13): `GET <url>/health` (vLLM's, TensorRT-LLM's
 * and SGLang's liveness route); when that route is not served (404), `GET <url>/v1/models`. Passes
 * on 2xx/3xx within `timeoutMs` each.
 */
export async function probeBackend(
  url: string,
  timeoutMs: number,
  now: () => Date = () => new Date(),
): Promise<ProbeOutcome> {
  const health = await get(joinPath(url, "/health"), timeoutMs);
  if (health.status === 404) {
    const models = await get(joinPath(url, "/v1/models"), timeoutMs);
    return { ok: ok(models.status), message: said("/v1/models", models), at: now().toISOString() };
  }
  return { ok: ok(health.status), message: said("/health", health), at: now().toISOString() };
}

/** What the router reports at `GET /health`: its running dynamic config (src/vllm_router/routers/main_router.py). */
export interface RouterReport {
  at: string;
  /** The dynamic_config the router runs, when it answered with one. */
  config?: Record<string, unknown>;
  message: string;
}

export async function probeRouter(
  url: string,
  timeoutMs: number,
  now: () => Date = () => new Date(),
): Promise<RouterReport> {
  const reply = await get(joinPath(url, "/health"), timeoutMs);
  const at = now().toISOString();
  if (reply.status === undefined) return { at, message: said("/health", reply) };
  try {
    const body = JSON.parse(reply.body ?? "") as { dynamic_config?: Record<string, unknown>; status?: string };
    const message = `GET /health: HTTP ${reply.status}${body.status ? ` (${body.status})` : ""}`;
    return body.dynamic_config ? { at, config: body.dynamic_config, message } : { at, message };
  } catch {
    return { at, message: `GET /health: HTTP ${reply.status}, not JSON` };
  }
}
