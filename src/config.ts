import { existsSync } from "node:fs";
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONTROLLER_SETTINGS, type ControllerSettings } from "./controllers/registry.js";
import { isLogLevel, type LogLevel } from "./logging.js";
import { DEFAULT_MANIFESTS_DIR } from "./paths.js";
import { assertManifestDir } from "./cluster-view/manifests.js";
import { parseDecimal } from "./kube/validation.js";
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
  /** Where the GPUPool controller writes (GPU Operator's namespace, node writes) and the TokenCache controller's Redis image. */
  controllers: ControllerSettings;
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

/** What `serve` uses when a flag is not given (`inferplane serve --help` prints these). */
export const SERVE_DEFAULTS = {
  // "::" accepts IPv6 and, IPv4-mapped, IPv4: single-stack IPv6 clusters reach it too.
  host: "::",
  port: 9443,
  metricsPort: 8080,
  certDir: ".certs",
  serviceName: "inferplane",
  namespace: "inferplane-system",
  logLevel: "info",
  certCheckIntervalMs: 10_000,
  shutdownGraceMs: 25_000,
  shutdownDelayMs: 0,
  optimizerIntervalSeconds: 60,
  optimizerConfigMap: "inferplane-optimizer",
  optimizerPort: 9444,
  extenderClientName: "kube-scheduler",
} as const;

/** The defaults of ServeBounds, in the units of their flags (MiB, KiB, s, ms). */
export const BOUNDS_DEFAULTS = {
  ...LISTENER,
  maxRequestsInFlight: 256,
  maxBodyMibInFlight: 24,
  admissionWorkerKib: 64,
  optimizerWorkers: 1,
  optimizerQueue: 4,
  optimizerTimeLimitSeconds: 10,
  optimizerMaxBodyMib: 1,
  optimizerMaxServers: 1000,
  optimizerMaxCandidates: 20_000,
  memoryBudgetMib: 400,
} as const;

/** Parsed flags: a string or a boolean, or every value of a flag that may be repeated (`-f`). */
export type Flags = Record<string, string | boolean | string[] | undefined>;

/** A flag's whole number, written in plain decimal digits ("0x10", "1e3", "8.0" are refused). */
function intFlag(flags: Flags, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const value = typeof raw === "string" ? parseDecimal(raw) : undefined;
  if (value === undefined || value < min || value > max)
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
  return existsSync(join(env.HOME ?? homedir(), ".kube", "config"));
}

/**
 * The manifests directory to serve from with --standalone or --manifests; undefined to serve a
 * cluster (--kubeconfig, in-cluster, KUBECONFIG or ~/.kube/config). Neither is a ConfigError: a
 * server that silently served example files instead of the cluster would look healthy and admit
 * pods against the wrong objects.
 */
function manifestsDir(flags: Flags, env: NodeJS.ProcessEnv): string | undefined {
  const manifests = stringFlag(flags, "manifests");
  const offline = flags.standalone === true ? "--standalone" : manifests !== undefined ? "--manifests" : undefined;
  if (offline && stringFlag(flags, "kubeconfig") !== undefined)
    throw new ConfigError(
      `${offline} and --kubeconfig conflict: ${offline} reads the cluster from files, --kubeconfig names a cluster; give one`,
    );
  if (manifests) assertManifestDir(manifests);
  if (offline) return manifests ?? DEFAULT_MANIFESTS_DIR;
  if (stringFlag(flags, "kubeconfig") === undefined && !clusterReachable(env))
    throw new ConfigError(
      "no cluster to serve: not in a pod (KUBERNETES_SERVICE_HOST unset), no KUBECONFIG and no ~/.kube/config; give --kubeconfig FILE, or --standalone to serve the bundled examples, or --manifests DIR",
    );
  return undefined;
}

function logLevel(flags: Flags, env: NodeJS.ProcessEnv): LogLevel {
  const level = stringFlag(flags, "log-level") ?? env.LOG_LEVEL ?? SERVE_DEFAULTS.logLevel;
  if (!isLogLevel(level)) throw new ConfigError(`--log-level must be debug, info, warn or error, got ${level}`);
  return level;
}

/** A bind address (`:8080`, `0.0.0.0:8080`, `[::]:8080`, as controller-runtime takes it) from the first of `names` set. */
interface EnvAddress {
  name: string;
  address: string;
  port: string;
}

function envAddress(env: NodeJS.ProcessEnv, names: readonly string[]): EnvAddress | undefined {
  const name = names.find((n) => env[n] !== undefined);
  const address = name === undefined ? undefined : env[name];
  if (name === undefined || address === undefined) return undefined;
  const port = address.slice(address.lastIndexOf(":") + 1);
  if (!address.includes(":") || !/^(0|[1-9]\d{0,4})$/.test(port) || Number(port) > 65535)
    throw new ConfigError(
      `${name} ${JSON.stringify(address)} is not [host]:port with a port from 0 to 65535; write it like :8080 or 0.0.0.0:8080`,
    );
  return { name, address, port };
}

/**
 * The environment variables seeds 003 and 004 document for their operators, as equivalents of
 * our flags (a flag always wins): METRICS_BIND_ADDRESS / METRICS_ADDR (`:8080` or `host:8080`,
 * the port of /metrics, /healthz and /readyz), HEALTH_PROBE_BIND_ADDRESS / HEALTH_PROBE_ADDR (the
 * same port: inferplane serves probes beside metrics, so a different one is refused),
 * KUBERNETES_NAMESPACE (--namespace), GPU_METRICS_ENDPOINT (--prometheus-url), LEADER_ELECT /
 * LEADER_ELECTION_ENABLED (true or false; inferplane always elects its reconciling replica with a
 * Lease, so false only says one replica runs). A malformed address is refused naming its variable.
 */
function envFlags(flags: Flags, env: NodeJS.ProcessEnv): Flags {
  const metrics = envAddress(env, ["METRICS_BIND_ADDRESS", "METRICS_ADDR"]);
  const health = envAddress(env, ["HEALTH_PROBE_BIND_ADDRESS", "HEALTH_PROBE_ADDR"]);
  if (metrics && health && metrics.port !== health.port)
    throw new ConfigError(
      `${health.name} ${health.address} differs from ${metrics.name} ${metrics.address}; inferplane serves both on one port`,
    );
  const elect = env.LEADER_ELECT ?? env.LEADER_ELECTION_ENABLED;
  if (elect !== undefined && elect !== "true" && elect !== "false")
    throw new ConfigError(`LEADER_ELECT must be true or false, got ${elect}`);
  const fromEnv: Flags = {
    "metrics-port": (metrics ?? health)?.port,
    namespace: env.KUBERNETES_NAMESPACE,
    "prometheus-url": env.GPU_METRICS_ENDPOINT,
  };
  const given = Object.fromEntries(Object.entries(fromEnv).filter(([, v]) => v !== undefined && v !== ""));
  return { ...given, ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) };
}

export function serveConfig(flags: Flags, env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const config = readServeConfig(envFlags(flags, env), env);
  if (config.extenderBind && config.manifests !== undefined)
    throw new ConfigError("--extender-bind needs a cluster to bind in; it cannot be used standalone");
  if (config.port !== 0 && config.port === config.metricsPort)
    throw new ConfigError(`--port and --metrics-port are both ${config.port}; give each its own port`);
  for (const [flag, port] of [
    ["--port", config.port],
    ["--metrics-port", config.metricsPort],
  ] as const)
    if (port !== 0 && port === config.optimizerPort)
      throw new ConfigError(`${flag} and --optimizer-port are both ${port}; give each its own port`);
  return config;
}

function readServeConfig(flags: Flags, env: NodeJS.ProcessEnv): ServeConfig {
  const d = SERVE_DEFAULTS;
  return {
    host: stringFlag(flags, "host") ?? d.host,
    port: intFlag(flags, "port", d.port, 0, 65535),
    metricsPort: intFlag(flags, "metrics-port", d.metricsPort, 0, 65535),
    certDir: stringFlag(flags, "cert-dir") ?? d.certDir,
    serviceName: stringFlag(flags, "service-name") ?? d.serviceName,
    namespace: stringFlag(flags, "namespace") ?? env.POD_NAMESPACE ?? d.namespace,
    manifests: manifestsDir(flags, env),
    kubeconfig: stringFlag(flags, "kubeconfig"),
    logLevel: logLevel(flags, env),
    certCheckIntervalMs: intFlag(flags, "cert-check-interval-ms", d.certCheckIntervalMs, 10),
    shutdownGraceMs: intFlag(flags, "shutdown-grace-ms", d.shutdownGraceMs, 0),
    shutdownDelayMs: intFlag(flags, "shutdown-delay-ms", d.shutdownDelayMs, 0),
    schedulerName: stringFlag(flags, "scheduler-name"),
    extenderBind: flags["extender-bind"] === true,
    controller: flags["disable-controller"] !== true,
    identity: env.POD_NAME ?? `${hostname()}-${process.pid}`,
    optimizerIntervalMs: intFlag(flags, "optimizer-interval-seconds", d.optimizerIntervalSeconds, 0, 86_400) * 1000,
    prometheusUrl: stringFlag(flags, "prometheus-url"),
    optimizerConfigMap: stringFlag(flags, "optimizer-configmap") ?? d.optimizerConfigMap,
    controllers: controllerSettings(flags),
    optimizerPort: intFlag(flags, "optimizer-port", d.optimizerPort, 0, 65535),
    bounds: readBounds(flags),
    extenderClientName: stringFlag(flags, "extender-client-name") ?? d.extenderClientName,
  };
}

const MIB = 1024 * 1024;

function readBounds(flags: Flags): ServeBounds {
  const b = BOUNDS_DEFAULTS;
  return {
    maxConnections: intFlag(flags, "max-connections", b.maxConnections, 1),
    maxConnectionsPerClient: intFlag(flags, "max-connections-per-client", b.maxConnectionsPerClient, 1),
    tlsHandshakeTimeoutMs: intFlag(flags, "tls-handshake-timeout-ms", b.tlsHandshakeTimeoutMs, 100),
    headersTimeoutMs: intFlag(flags, "headers-timeout-ms", b.headersTimeoutMs, 100),
    requestTimeoutMs: intFlag(flags, "request-timeout-ms", b.requestTimeoutMs, 100),
    idleTimeoutMs: intFlag(flags, "idle-timeout-ms", b.idleTimeoutMs, 100),
    maxRequestsInFlight: intFlag(flags, "max-requests-in-flight", b.maxRequestsInFlight, 1),
    maxBodyBytesInFlight: intFlag(flags, "max-body-mib-in-flight", b.maxBodyMibInFlight, 4, 4096) * MIB,
    admissionWorkerBytes: intFlag(flags, "admission-worker-kib", b.admissionWorkerKib, 1) * 1024,
    optimizerWorkers: intFlag(flags, "optimizer-workers", b.optimizerWorkers, 1, 64),
    optimizerQueue: intFlag(flags, "optimizer-queue", b.optimizerQueue, 0, 10_000),
    optimizerTimeLimitSeconds: intFlag(flags, "optimizer-time-limit-seconds", b.optimizerTimeLimitSeconds, 1, 3600),
    optimizerMaxBodyBytes: intFlag(flags, "optimizer-max-body-mib", b.optimizerMaxBodyMib, 1, 64) * MIB,
    optimizerMaxServers: intFlag(flags, "optimizer-max-servers", b.optimizerMaxServers, 1),
    optimizerMaxCandidates: intFlag(flags, "optimizer-max-candidates", b.optimizerMaxCandidates, 1),
    memoryBudgetMib: intFlag(flags, "memory-budget-mib", b.memoryBudgetMib, 128),
  };
}

function controllerSettings(flags: Flags): ControllerSettings {
  const { gpuPool, tokenCache } = DEFAULT_CONTROLLER_SETTINGS;
  return {
    gpuPool: {
      ...gpuPool,
      namespace: stringFlag(flags, "gpu-operator-namespace") ?? gpuPool.namespace,
      nodeWrites: flags["gpupool-node-writes"] === true,
    },
    tokenCache: { redisImage: stringFlag(flags, "redis-image") ?? tokenCache.redisImage },
    // The chart passes --scheduler-name only when it runs inferplane's scheduler (scheduler.mode=second).
    inferenceService: { ownScheduler: stringFlag(flags, "scheduler-name") },
  };
}
