import { BOUNDS_DEFAULTS, SERVE_DEFAULTS } from "../config.js";
import { DEFAULT_GPU_POOL_SETTINGS } from "../controllers/gpupool/settings.js";
import { DEFAULT_TOKEN_CACHE_SETTINGS } from "../controllers/tokencache/settings.js";
import { SOLVERS } from "../optimizer/solution.js";

/** One command-line flag: `--name VALUE` (string) or `--name` (boolean). */
export interface FlagSpec {
  type: "string" | "boolean";
  short?: string;
  /** May be given more than once (its value is then every one given, in order); any other flag only once. */
  multiple?: boolean;
  /** The value's placeholder in help: `--port PORT`. */
  value?: string;
  help: string;
  /** Shown as `(default …)`; omitted when the flag has none. */
  default?: string | number;
}

const d = SERVE_DEFAULTS;
const b = BOUNDS_DEFAULTS;

/** A `--NAME N` bound of issue 13 (DESIGN §14), with its unit and default. */
function bound(value: string, help: string, fallback: number): FlagSpec {
  return { type: "string", value, help, default: fallback };
}

const BOUND_FLAGS = {
  "max-connections": bound("N", "open connections per listener; more are closed on accept", b.maxConnections),
  "max-connections-per-client": bound(
    "N",
    "open connections per client address per listener",
    b.maxConnectionsPerClient,
  ),
  "tls-handshake-timeout-ms": bound("MS", "a TLS handshake must finish within this", b.tlsHandshakeTimeoutMs),
  "headers-timeout-ms": bound("MS", "request headers must arrive within this", b.headersTimeoutMs),
  "request-timeout-ms": bound("MS", "the whole request, body included, must arrive within this", b.requestTimeoutMs),
  "idle-timeout-ms": bound("MS", "an idle keep-alive connection is closed after this", b.idleTimeoutMs),
  "max-requests-in-flight": bound(
    "N",
    "admission (and, apart, extender) requests at once; beyond, 429 at once",
    b.maxRequestsInFlight,
  ),
  "max-body-mib-in-flight": bound(
    "MIB",
    "request bodies held at once, per family; beyond, 429 at once",
    b.maxBodyMibInFlight,
  ),
  "admission-worker-kib": bound(
    "KIB",
    "admission bodies this large are answered in a worker thread",
    b.admissionWorkerKib,
  ),
  "optimizer-workers": bound("N", "threads that solve (REST and the loop)", b.optimizerWorkers),
  "optimizer-queue": bound("N", "solves that may wait for a thread; beyond, 429 with Retry-After", b.optimizerQueue),
  "optimizer-time-limit-seconds": bound("S", "HiGHS' time limit per MILP", b.optimizerTimeLimitSeconds),
  "optimizer-max-body-mib": bound("MIB", "largest /optimizer/solve body (413 beyond)", b.optimizerMaxBodyMib),
  "optimizer-max-servers": bound("N", "largest instance in servers (413 beyond)", b.optimizerMaxServers),
  "optimizer-max-candidates": bound(
    "N",
    "largest instance in server × accelerator pairs (413 beyond)",
    b.optimizerMaxCandidates,
  ),
  "memory-budget-mib": bound("MIB", "resident memory to stay under; worker heaps are sized from it", b.memoryBudgetMib),
} as const satisfies Record<string, FlagSpec>;

/** Every flag of every command; each command lists the ones it reads. */
export const FLAGS = {
  file: {
    type: "string",
    short: "f",
    multiple: true,
    value: "FILE",
    help: "the objects to read (YAML or JSON, several documents, Lists expanded); repeat -f to read several files, every one is checked",
  },
  manifests: {
    type: "string",
    value: "DIR",
    help: "the ModelInfers, GPU pools and caches admission resolves names against",
    default: "the package's examples/",
  },
  host: { type: "string", value: "HOST", help: "address both servers listen on", default: d.host },
  port: { type: "string", value: "PORT", help: "HTTPS port of the webhooks and the extender", default: d.port },
  "metrics-port": {
    type: "string",
    value: "PORT",
    help: "HTTP port of /metrics, /healthz, /readyz",
    default: d.metricsPort,
  },
  "cert-dir": {
    type: "string",
    value: "DIR",
    help: "CA and serving certificate (generated when missing, reloaded when rotated)",
    default: d.certDir,
  },
  "service-name": {
    type: "string",
    value: "NAME",
    help: "Service the serving certificate is issued for",
    default: d.serviceName,
  },
  namespace: {
    type: "string",
    value: "NS",
    help: "release namespace: its Service, its Lease; never admitted",
    default: `$POD_NAMESPACE or ${d.namespace}`,
  },
  kubeconfig: {
    type: "string",
    value: "FILE",
    help: "cluster to run against",
    default: "$KUBECONFIG or ~/.kube/config",
  },
  standalone: { type: "boolean", help: "no cluster: the cluster view is read from --manifests" },
  "log-level": { type: "string", value: "LEVEL", help: "debug, info, warn or error", default: d.logLevel },
  "cert-check-interval-ms": {
    type: "string",
    value: "MS",
    help: "how often --cert-dir is checked for rotation",
    default: d.certCheckIntervalMs,
  },
  "shutdown-grace-ms": {
    type: "string",
    value: "MS",
    help: "after SIGTERM, how long requests in flight may finish",
    default: d.shutdownGraceMs,
  },
  "shutdown-delay-ms": {
    type: "string",
    value: "MS",
    help: "after SIGTERM, unready this long before listeners close",
    default: d.shutdownDelayMs,
  },
  "scheduler-name": {
    type: "string",
    value: "NAME",
    help: "inferplane's scheduler: opted-in gang pods and multi-node InferenceServices go to it",
  },
  "extender-bind": { type: "boolean", help: "serve the extender's bind verb (needs a cluster)" },
  "disable-controller": { type: "boolean", help: "admission and extender only: no ModelInfer controller" },
  "optimizer-interval-seconds": {
    type: "string",
    value: "N",
    help: "the leader's optimizer loop period; 0 turns it off",
    default: d.optimizerIntervalSeconds,
  },
  "prometheus-url": { type: "string", value: "URL", help: "where the optimizer loop reads the load" },
  "optimizer-configmap": {
    type: "string",
    value: "NAME",
    help: "ConfigMap with inferno's data files",
    default: d.optimizerConfigMap,
  },
  "optimizer-port": {
    type: "string",
    value: "PORT",
    help: "HTTPS port of /optimizer/solve and /invoke (in a cluster: a bearer token allowed on services/proxy)",
    default: d.optimizerPort,
  },
  "extender-client-name": {
    type: "string",
    value: "CN",
    help: "in a cluster the extender accepts only kube-scheduler's client certificate with this CN",
    default: d.extenderClientName,
  },
  ...BOUND_FLAGS,
  "gpu-operator-namespace": {
    type: "string",
    value: "NS",
    help: "where GPUPools' device-plugin and mig-parted ConfigMaps go (GPU Operator's namespace)",
    default: DEFAULT_GPU_POOL_SETTINGS.namespace,
  },
  "gpupool-node-writes": {
    type: "boolean",
    help: "label GPUPools' nodes; off, each pool's status lists the labels to set",
  },
  "redis-image": {
    type: "string",
    value: "IMAGE",
    help: "the Redis servers of TokenCache redis tiers",
    default: DEFAULT_TOKEN_CACHE_SETTINGS.redisImage,
  },
  solver: { type: "string", value: "NAME", help: SOLVERS.join(", "), default: "as the data asks" },
  json: { type: "boolean", help: "print inferno's solution-data.json instead of the table" },
  help: { type: "boolean", short: "h", help: "this help" },
  version: { type: "boolean", help: "print inferplane's version" },
} as const satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;

export interface CommandSpec {
  /** What follows the command name in its usage line. */
  synopsis: string;
  summary: string;
  flags: readonly FlagName[];
  /** Positional arguments it takes: none, or exactly one. */
  positional?: string;
  /** What a shared flag means for this command, where that differs from FLAGS (help text and default). */
  flagHelp?: Partial<Record<FlagName, Pick<FlagSpec, "help" | "default">>>;
  /**
   * A flag given twice takes its last value instead of being refused. serve only: the chart writes
   * its own flags and then `extraArgs`, which override them (as pflag does for Kubernetes' daemons).
   */
  lastFlagWins?: boolean;
}

const ADMISSION_FLAGS = ["file", "manifests", "namespace"] as const;

/** The commands, in the order `inferplane --help` lists them. */
export const COMMAND_SPECS = {
  serve: {
    synopsis: "[flags]",
    summary: "run the webhooks and extender (HTTPS) and health/metrics (HTTP); standalone without a cluster",
    flags: [
      "host",
      "port",
      "metrics-port",
      "cert-dir",
      "service-name",
      "namespace",
      "manifests",
      "kubeconfig",
      "standalone",
      "log-level",
      "cert-check-interval-ms",
      "shutdown-grace-ms",
      "shutdown-delay-ms",
      "scheduler-name",
      "extender-bind",
      "disable-controller",
      "optimizer-interval-seconds",
      "prometheus-url",
      "optimizer-configmap",
      "gpu-operator-namespace",
      "gpupool-node-writes",
      "redis-image",
      "optimizer-port",
      "extender-client-name",
      ...(Object.keys(BOUND_FLAGS) as (keyof typeof BOUND_FLAGS)[]),
    ],
    lastFlagWins: true,
  },
  mutate: {
    synopsis: "-f FILE [-f FILE]... [--manifests DIR]",
    summary: "print each object as admission would enhance it (YAML) and its JSONPatch",
    flags: ADMISSION_FLAGS,
  },
  validate: {
    synopsis: "-f FILE [-f FILE]... [--manifests DIR]",
    summary: "check objects as the apiserver (CRD schemas, strict fields) and the validating webhook would",
    flags: ADMISSION_FLAGS,
  },
  render: {
    synopsis: "-f FILE [-f FILE]... [--manifests DIR]",
    summary: "print the objects the controllers would apply for the custom resources in FILE (their dry run)",
    flags: ["file", "manifests"],
  },
  certs: {
    synopsis: "[--cert-dir DIR]",
    summary: "write a CA and serving certificate when missing or due; print the base64 caBundle",
    flags: ["cert-dir", "service-name", "namespace"],
  },
  optimize: {
    synopsis: "DIR [--solver NAME] [--json] | [DIR] --manifests DIR [--prometheus-url URL] [--solver NAME] [--json]",
    summary:
      "plan accelerators, replicas and batch sizes from inferno's data files (or a system-data.json); with --manifests, one optimizer loop cycle as a dry run: what it would write to each object",
    flags: ["solver", "json", "manifests", "prometheus-url", "optimizer-configmap"],
    positional: "DIR",
    flagHelp: {
      manifests: {
        help: "dry run of one loop cycle over the objects in these files (managed Deployments and ModelInfers, InferenceServices with strategy optimizer) instead of DIR's servers; the data is DIR, else the ConfigMap --optimizer-configmap among them",
        default: "none",
      },
      json: {
        help: "print JSON: inferno's solution-data.json; with --manifests, each object's allocation, load and requests, and the solution",
      },
      "prometheus-url": {
        help: "with --manifests: read each object's load from its pods' series here (pods from the manifests), else from its labels and annotations",
      },
      "optimizer-configmap": {
        help: "with --manifests and no DIR: the ConfigMap in them holding inferno's data files",
        default: d.optimizerConfigMap,
      },
    },
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMAND_SPECS;

export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_SPECS, name);
}

/** Flags every command takes. */
export const COMMON_FLAGS: readonly FlagName[] = ["help", "version"];
