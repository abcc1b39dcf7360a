import type { StaticRoute, StaticRouteStatus } from "../../apis/production-stack.js";
import { condition, type Condition } from "../runtime/conditions.js";
import type { DynamicRouterConfig } from "../../vllm-router/dynamic-config.js";
import type { ConfigError, StaticBackend } from "../../routing/static-config.js";
import type { RouteObservations } from "./book.js";
import type { RouterTarget } from "./targets.js";

/** What status() is computed from: all plain data. */
export interface RouteFacts {
  configMap: string;
  /** The config as desired() writes it, with its hash; undefined when the spec has errors. */
  config?: DynamicRouterConfig;
  hash?: string;
  errors: readonly ConfigError[];
  /** Every backend, including any left out of the config as Unhealthy. */
  backends: readonly StaticBackend[];
  /** The hash of the ConfigMap live in the cluster, if any. */
  liveHash?: string;
  router?: RouterTarget;
  observed?: RouteObservations;
}

const formatError = (e: ConfigError): string => `${e.path}: ${e.detail}; ${e.fix}`;

/** True when the router reports running every key inferplane wrote. */
export function routerRuns(config: DynamicRouterConfig, reported: Record<string, unknown>): boolean {
  return Object.entries(config).every(([k, v]) => v === undefined || reported[k] === v);
}

type Verdict = [Condition["status"], string, string];

function configApplied(f: RouteFacts): Verdict {
  if (f.errors.length > 0)
    return ["False", "InvalidSpec", `${f.errors.map(formatError).join("; ")} (the router keeps its last config)`];
  if (f.liveHash !== f.hash) return ["False", "Writing", `writing ConfigMap ${f.configMap}`];
  const router = f.router;
  if (!router) return ["True", "Written", `ConfigMap ${f.configMap} holds static_config.json; no routerRef to check`];
  if ("problem" in router) return ["Unknown", "RouterUnreachable", router.problem];
  const report = f.observed?.router;
  if (!report) return ["Unknown", "RouterNotProbed", `${router.url}/health not read yet`];
  if (!report.config)
    return ["Unknown", "RouterNoConfig", `${router.url}: ${report.message}, without a dynamic_config`];
  if (f.config && routerRuns(f.config, report.config))
    return ["True", "RouterRunsConfig", `the router at ${router.url} reports running ConfigMap ${f.configMap}`];
  return [
    "False",
    "RouterNotUpdated",
    `the router at ${router.url} runs another config: the kubelet refreshes a mounted ConfigMap within about a minute ` +
      "and the router re-reads it every 10 s; check it mounts the ConfigMap as a directory, not with subPath",
  ];
}

function backendsHealthy(f: RouteFacts): Verdict {
  if (f.backends.length === 0) return ["True", "NoStaticBackends", "the router discovers its backends itself"];
  const states = f.backends.map((b) => ({ b, h: f.observed?.backends.get(b.url) }));
  const bad = states.filter((s) => s.h?.state === "Unhealthy");
  if (bad.length > 0) return ["False", "Unhealthy", bad.map((s) => `${s.b.url} (${s.h?.message ?? ""})`).join(", ")];
  const unknown = states.filter((s) => s.h?.state !== "Healthy");
  if (unknown.length > 0)
    return [
      "Unknown",
      "Probing",
      `not yet known: ${unknown.map((s) => `${s.b.url}${s.h ? ` (${s.h.message})` : ""}`).join(", ")}`,
    ];
  return ["True", "AllHealthy", `${f.backends.length} backends healthy`];
}

function backendStatuses(f: RouteFacts): NonNullable<StaticRouteStatus["backends"]> {
  return f.backends.map((b) => {
    const h = f.observed?.backends.get(b.url);
    const probed = h ? { lastProbeTime: h.lastProbeTime, message: h.message } : {};
    return { url: b.url, model: b.model, state: h?.state ?? "Unknown", ...probed };
  });
}

/** configHash and lastAppliedTime: moved on when the live ConfigMap holds a new config, else kept. */
function appliedFields(
  f: RouteFacts,
  previous: StaticRouteStatus | undefined,
  now: string,
): Partial<StaticRouteStatus> {
  const written = f.liveHash !== undefined && f.liveHash === f.hash;
  if (written && previous?.configHash !== f.hash) return { configHash: f.hash, lastAppliedTime: now };
  const kept: Partial<StaticRouteStatus> = {};
  if (previous?.configHash !== undefined) kept.configHash = previous.configHash;
  if (previous?.lastAppliedTime !== undefined) kept.lastAppliedTime = previous.lastAppliedTime;
  return kept;
}

/** The StaticRoute's status: ConfigApplied, BackendsHealthy, Ready, each backend's state, the ConfigMap written and when. Pure. */
export function staticRouteStatus(route: StaticRoute, f: RouteFacts, now: string): StaticRouteStatus {
  const previous = route.status;
  const generation = route.metadata.generation;
  const applied = configApplied(f);
  const healthy = backendsHealthy(f);
  const ready = applied[0] === "True" && healthy[0] === "True";
  const readyMessage = ready ? "config applied, backends healthy" : `${applied[2]}; ${healthy[2]}`;
  const conditions = [
    condition("ConfigApplied", applied[0], applied[1], applied[2], previous?.conditions, now, generation),
    condition("BackendsHealthy", healthy[0], healthy[1], healthy[2], previous?.conditions, now, generation),
    condition("Ready", ready, ready ? "Ready" : "NotReady", readyMessage, previous?.conditions, now, generation),
  ];
  return {
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    configMapRef: f.configMap,
    ...appliedFields(f, previous, now),
    conditions,
    backends: backendStatuses(f),
  };
}
