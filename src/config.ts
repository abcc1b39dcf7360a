import { existsSync } from "node:fs";
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONTROLLER_SETTINGS, type ControllerSettings } from "./controllers/registry.js";
import { isLogLevel, type LogLevel } from "./logging.js";
import { DEFAULT_MANIFESTS_DIR } from "./paths.js";
import { assertManifestDir } from "./cluster-view/manifests.js";
import { parseDecimal } from "./kube/validation.js";

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
}

export class ConfigError extends Error {}

/** What `serve` uses when a flag is not given (`inferplane serve --help` prints these). */
export const SERVE_DEFAULTS = {
  host: "0.0.0.0",
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
  return existsSync(join(homedir(), ".kube", "config"));
}

/** Standalone (a manifests directory) unless a cluster is configured and neither flag asks for it. */
function manifestsDir(flags: Flags, env: NodeJS.ProcessEnv): string | undefined {
  const manifests = stringFlag(flags, "manifests");
  const offline = flags.standalone === true ? "--standalone" : manifests !== undefined ? "--manifests" : undefined;
  if (offline && stringFlag(flags, "kubeconfig") !== undefined)
    throw new ConfigError(
      `${offline} and --kubeconfig conflict: ${offline} reads the cluster from files, --kubeconfig names a cluster; give one`,
    );
  if (manifests) assertManifestDir(manifests);
  const standalone = manifests !== undefined || flags.standalone === true || !clusterReachable(env);
  return standalone ? (manifests ?? DEFAULT_MANIFESTS_DIR) : undefined;
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
  };
}
