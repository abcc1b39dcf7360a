import { existsSync } from "node:fs";
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONTROLLER_SETTINGS, type ControllerSettings } from "./controllers/registry.js";
import { isLogLevel, type LogLevel } from "./logging.js";
import { DEFAULT_MANIFESTS_DIR } from "./paths.js";

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
    host: stringFlag(flags, "host") ?? "0.0.0.0",
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
