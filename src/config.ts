import { existsSync } from "node:fs";
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { isLogLevel, type LogLevel } from "./logging.js";
import { DEFAULT_MANIFESTS_DIR } from "./paths.js";
import { DEFAULT_LISTENER_BOUNDS as LISTENER, type ListenerBounds } from "./server/listen.js";

export interface ServeConfig {
  host: string;
  port: number;
  metricsPort: number;
  certDir: string;
  /** Service name and namespace the serving certificate is issued for. */
  serviceName: string;
  namespace: string;
  /** Standalone: the objects come from this directory. Undefined: informers against a cluster. */
  manifests: string | undefined;
  kubeconfig: string | undefined;
  logLevel: LogLevel;
  certCheckIntervalMs: number;
  shutdownGraceMs: number;
  /** Time between SIGTERM (readiness drops) and closing listeners, so endpoints can update. */
  shutdownDelayMs: number;
  /** inferplane's own scheduler, when it runs: opted-in gang pods are sent to it. */
  schedulerName: string | undefined;
  /** Serve the extender's bind verb (needs a cluster). */
  extenderBind: boolean;
  /** Run the ModelInfer controller (behind leader election) when connected to a cluster. */
  controller: boolean;
  /** This replica's name in the leader-election Lease. */
  identity: string;
  /** The optimizer's control loop period (leader only); 0 turns it off. */
  optimizerIntervalMs: number;
  prometheusUrl: string | undefined;
  /** ConfigMap (in `namespace`) with inferno's static data files. */
  optimizerConfigMap: string;
  /** HTTPS port of `/optimizer/*` and `/invoke`, apart from the webhooks' accept queue. */
  optimizerPort: number;
  /** What bounds the work any caller can cause (issue 13, DESIGN §14). */
  bounds: ServeBounds;
  /** The kube-scheduler client certificate's subject CN the extender accepts in a cluster. */
  extenderClientName: string;
}

/**
 * Limits on connections, requests and CPU-heavy work. Defaults keep a replica inside the chart's
 * 512 MiB limit and its admission answers inside the apiserver's 5 s webhook timeout.
 */
export interface ServeBounds extends ListenerBounds {
  /** Admission (and, separately, extender) requests in flight; beyond, answered 429 at once. */
  maxRequestsInFlight: number;
  /** Request body bytes held at once per path family; beyond, answered 429 at once. */
  maxBodyBytesInFlight: number;
  /** Admission bodies from this size on are parsed and processed in a worker thread. */
  admissionWorkerBytes: number;
  /** Optimizer worker threads, and solves that may wait for one; beyond, 429 with Retry-After. */
  optimizerWorkers: number;
  optimizerQueue: number;
  /** HiGHS time limit per MILP solve, s; a solve is stopped at this plus a grace. */
  optimizerTimeLimitSeconds: number;
  optimizerMaxBodyBytes: number;
  /** Instance limits (src/optimizer/limits.ts): servers, and server × accelerator candidates. */
  optimizerMaxServers: number;
  optimizerMaxCandidates: number;
  /** Resident memory the process aims to stay under, MiB; the workers' heaps are sized from it. */
  memoryBudgetMib: number;
}

export class ConfigError extends Error {}

export type Flags = Record<string, string | boolean | undefined>;

function intFlag(flags: Flags, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ConfigError(`--${name} must be an integer from ${min} to ${max}, got ${String(raw)}`);
  return value;
}

function stringFlag(flags: Flags, name: string): string | undefined {
  const raw = flags[name];
  return typeof raw === "string" && raw !== "" ? raw : undefined;
}

/** Where a kubeconfig can be found: in-cluster service account, KUBECONFIG, or ~/.kube/config. */
export function clusterReachable(env: NodeJS.ProcessEnv): boolean {
  if (env.KUBERNETES_SERVICE_HOST) return true;
  if (env.KUBECONFIG) return true;
  return existsSync(join(homedir(), ".kube", "config"));
}

/** Standalone (a manifests directory) unless a cluster is configured and neither flag asks for it. */
function manifestsDir(flags: Flags, env: NodeJS.ProcessEnv): string | undefined {
  const manifests = stringFlag(flags, "manifests");
  if (manifests && !existsSync(manifests)) throw new ConfigError(`--manifests ${manifests}: no such directory`);
  const standalone = manifests !== undefined || flags.standalone === true || !clusterReachable(env);
  return standalone ? (manifests ?? DEFAULT_MANIFESTS_DIR) : undefined;
}

function logLevel(flags: Flags, env: NodeJS.ProcessEnv): LogLevel {
  const level = stringFlag(flags, "log-level") ?? env.LOG_LEVEL ?? "info";
  if (!isLogLevel(level)) throw new ConfigError(`--log-level must be debug, info, warn or error, got ${level}`);
  return level;
}

export function serveConfig(flags: Flags, env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const config = readServeConfig(flags, env);
  if (config.extenderBind && config.manifests !== undefined)
    throw new ConfigError("--extender-bind needs a cluster to bind in; it cannot be used standalone");
  return config;
}

function readServeConfig(flags: Flags, env: NodeJS.ProcessEnv): ServeConfig {
  return {
    // "::" accepts IPv6 and, IPv4-mapped, IPv4: single-stack IPv6 clusters reach it too.
    host: stringFlag(flags, "host") ?? "::",
    port: intFlag(flags, "port", 9443, 0, 65535),
    metricsPort: intFlag(flags, "metrics-port", 8080, 0, 65535),
    certDir: stringFlag(flags, "cert-dir") ?? ".certs",
    serviceName: stringFlag(flags, "service-name") ?? "inferplane",
    namespace: stringFlag(flags, "namespace") ?? env.POD_NAMESPACE ?? "inferplane-system",
    manifests: manifestsDir(flags, env),
    kubeconfig: stringFlag(flags, "kubeconfig"),
    logLevel: logLevel(flags, env),
    certCheckIntervalMs: intFlag(flags, "cert-check-interval-ms", 10_000, 10),
    shutdownGraceMs: intFlag(flags, "shutdown-grace-ms", 25_000, 0),
    shutdownDelayMs: intFlag(flags, "shutdown-delay-ms", 0, 0),
    schedulerName: stringFlag(flags, "scheduler-name"),
    extenderBind: flags["extender-bind"] === true,
    controller: flags["disable-controller"] !== true,
    identity: env.POD_NAME ?? `${hostname()}-${process.pid}`,
    optimizerIntervalMs: intFlag(flags, "optimizer-interval-seconds", 60, 0, 86_400) * 1000,
    prometheusUrl: stringFlag(flags, "prometheus-url"),
    optimizerConfigMap: stringFlag(flags, "optimizer-configmap") ?? "inferplane-optimizer",
    optimizerPort: intFlag(flags, "optimizer-port", 9444, 0, 65535),
    bounds: readBounds(flags),
    extenderClientName: stringFlag(flags, "extender-client-name") ?? "kube-scheduler",
  };
}

const MIB = 1024 * 1024;

function readBounds(flags: Flags): ServeBounds {
  return {
    maxConnections: intFlag(flags, "max-connections", LISTENER.maxConnections, 1),
    maxConnectionsPerClient: intFlag(flags, "max-connections-per-client", LISTENER.maxConnectionsPerClient, 1),
    tlsHandshakeTimeoutMs: intFlag(flags, "tls-handshake-timeout-ms", LISTENER.tlsHandshakeTimeoutMs, 100),
    headersTimeoutMs: intFlag(flags, "headers-timeout-ms", LISTENER.headersTimeoutMs, 100),
    requestTimeoutMs: intFlag(flags, "request-timeout-ms", LISTENER.requestTimeoutMs, 100),
    idleTimeoutMs: intFlag(flags, "idle-timeout-ms", LISTENER.idleTimeoutMs, 100),
    maxRequestsInFlight: intFlag(flags, "max-requests-in-flight", 256, 1),
    maxBodyBytesInFlight: intFlag(flags, "max-body-mib-in-flight", 24, 4, 4096) * MIB,
    admissionWorkerBytes: intFlag(flags, "admission-worker-kib", 64, 1) * 1024,
    optimizerWorkers: intFlag(flags, "optimizer-workers", 1, 1, 64),
    optimizerQueue: intFlag(flags, "optimizer-queue", 4, 0, 10_000),
    optimizerTimeLimitSeconds: intFlag(flags, "optimizer-time-limit-seconds", 10, 1, 3600),
    optimizerMaxBodyBytes: intFlag(flags, "optimizer-max-body-mib", 1, 1, 64) * MIB,
    optimizerMaxServers: intFlag(flags, "optimizer-max-servers", 1000, 1),
    optimizerMaxCandidates: intFlag(flags, "optimizer-max-candidates", 20_000, 1),
    memoryBudgetMib: intFlag(flags, "memory-budget-mib", 400, 128),
  };
}
