import { migProfileFormatProblem } from "./mig-parted.js";
import { GPU_RESOURCE, MIG_RESOURCE_PREFIX } from "./resources.js";

/**
 * NVIDIA k8s-device-plugin's config file, `version: v1` (NVIDIA/k8s-device-plugin
 * `api/config/v1`), the parts inferplane writes. GPU Operator mounts one ConfigMap
 * (`ClusterPolicy.spec.devicePlugin.config.name`) with one key per named config; a node picks
 * one with the label `nvidia.com/device-plugin.config=<key>` (its config-manager fails when the
 * key is missing; without a label GPU Operator falls back to `config.default`, else an empty config).
 */
export interface DevicePluginConfig {
  version: "v1";
  flags: {
    /** none | single | mixed. An env MIG_STRATEGY (GPU Operator's ClusterPolicy `mig.strategy`) overrides it. */
    migStrategy: MigStrategyFlag;
  };
  sharing?: {
    timeSlicing?: ReplicatedResources;
    mps?: ReplicatedResources;
  };
}

export type MigStrategyFlag = "none" | "single" | "mixed";

/** How devices are replicated: the same for every GPU of the node. */
export interface ReplicatedResources {
  /** Advertise `<name>.shared` instead of `<name>` (default false). */
  renameByDefault?: boolean;
  /** Refuse a request for more than one replica (default false for time-slicing, true for MPS). */
  failRequestsGreaterThanOne?: boolean;
  resources: ReplicatedResource[];
}

export interface ReplicatedResource {
  /** `nvidia.com/gpu` or, time-sliced under the mixed strategy, `nvidia.com/mig-<profile>`. */
  name: string;
  /** Clients per device, ≥ 2. */
  replicas: number;
  /** Only `all` takes effect (other forms are parsed, then ignored with a warning). */
  devices?: "all";
}

type Json = Record<string, unknown>;

const isMap = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

const TOP_LEVEL = new Set(["version", "flags", "resources", "sharing", "imex"]);
const FLAGS = new Set([
  "migStrategy",
  "failOnInitError",
  "mpsRoot",
  "nvidiaDriverRoot",
  "nvidiaDevRoot",
  "gdrcopyEnabled",
  "gdsEnabled",
  "mofedEnabled",
  "useNodeFeatureAPI",
  "deviceDiscoveryStrategy",
  "plugin",
  "gfd",
]);
const MIG_STRATEGIES = new Set(["none", "single", "mixed"]);
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DEVICE_REF = /^(\d+|\d+:\d+|(MIG-)?GPU-[0-9a-f-]{36}(\/\d+\/\d+)?|MIG-[0-9a-f-]{36})$/;

/** NewResourceName's rule: `nvidia.com/` prefix (added when missing), ≤ 63 characters, a DNS subdomain after it. */
export function resourceNameProblem(name: string): string | undefined {
  const full = name.startsWith("nvidia.com/") ? name : `nvidia.com/${name}`;
  if (full.length > 63) return `fully-qualified resource name must be 63 characters or less: ${full}`;
  const rest = full.slice(full.indexOf("/") + 1);
  return DNS_SUBDOMAIN.test(rest) && rest.length <= 253 ? undefined : `incorrect format for resource name '${full}'`;
}

/** Which devices a replicated resource names: `all`, a count > 0, or GPU/MIG indices and UUIDs. */
function devicesProblem(where: string, devices: unknown): string | undefined {
  if (devices === undefined || devices === "all") return undefined;
  if (typeof devices === "string") return `${where}.devices: the only valid string input is 'all'`;
  if (isInt(devices)) return devices > 0 ? undefined : `${where}.devices: a count of devices must be > 0`;
  if (
    Array.isArray(devices) &&
    devices.every((d) => (isInt(d) && d >= 0) || (typeof d === "string" && DEVICE_REF.test(d)))
  )
    return undefined;
  return `${where}.devices: "all", a count, or GPU indices, MIG indices and UUIDs`;
}

/** The device plugin only replicates what it advertises: nvidia.com/gpu and nvidia.com/mig-<profile>. */
function advertisedProblem(where: string, name: string, strategy: unknown): string | undefined {
  const full = name.startsWith("nvidia.com/") ? name : `nvidia.com/${name}`;
  if (full === GPU_RESOURCE) return undefined;
  if (!full.startsWith(MIG_RESOURCE_PREFIX))
    return `${where}.name: ${full} is not a resource the device plugin advertises (${GPU_RESOURCE}, ${MIG_RESOURCE_PREFIX}<profile>)`;
  const profile = full.slice(MIG_RESOURCE_PREFIX.length).replace(/\.me$/, "+me");
  const format = migProfileFormatProblem(profile);
  if (format) return `${where}.name: ${format}`;
  return strategy === "mixed" ? undefined : `${where}.name: ${full} exists only under migStrategy mixed`;
}

function resourceProblems(where: string, resource: unknown, strategy: unknown): string[] {
  if (!isMap(resource)) return [`${where}: a map`];
  const problems: string[] = [];
  const { name, replicas, rename } = resource;
  if (typeof name !== "string") problems.push(`${where}: no resource name specified`);
  else problems.push(...[resourceNameProblem(name), advertisedProblem(where, name, strategy)].flatMap((p) => p ?? []));
  if (replicas === undefined) problems.push(`${where}: no replicas specified`);
  else if (!isInt(replicas) || replicas < 2) problems.push(`${where}.replicas: number of replicas must be >= 2`);
  if (rename !== undefined && (typeof rename !== "string" || resourceNameProblem(rename)))
    problems.push(`${where}.rename: a resource name`);
  const devices = devicesProblem(where, resource.devices);
  if (devices) problems.push(devices);
  return problems;
}

function replicatedProblems(where: string, value: unknown, strategy: unknown): string[] {
  if (!isMap(value)) return [`${where}: a map`];
  const problems: string[] = [];
  for (const flag of ["renameByDefault", "failRequestsGreaterThanOne"])
    if (value[flag] !== undefined && typeof value[flag] !== "boolean") problems.push(`${where}.${flag}: true or false`);
  const resources = value.resources;
  if (!Array.isArray(resources) || resources.length === 0) return [...problems, `${where}: no resources specified`];
  resources.forEach((r, i) => problems.push(...resourceProblems(`${where}.resources[${i}]`, r, strategy)));
  return problems;
}

/** MPS: never with the mixed strategy (validateFlags), never for MIG devices (getMPSOptions), not beside time-slicing. */
function mpsProblems(sharing: Json, strategy: unknown): string[] {
  const problems: string[] = [];
  const mps = sharing.mps;
  if (!isMap(mps)) return problems;
  if (strategy === "mixed") problems.push("sharing.mps: using --mig-strategy=mixed is not supported with MPS");
  const resources = Array.isArray(mps.resources) ? mps.resources : [];
  if (resources.some((r) => isMap(r) && typeof r.name === "string" && r.name.includes("mig-")))
    problems.push("sharing.mps: sharing using MPS is not supported for MIG devices");
  if (isMap(sharing.timeSlicing))
    problems.push("sharing: timeSlicing and mps are exclusive (with both, the device plugin uses MPS alone)");
  return problems;
}

function sharingProblems(sharing: unknown, strategy: unknown): string[] {
  if (sharing === undefined) return [];
  if (!isMap(sharing)) return ["sharing: a map"];
  const problems = Object.keys(sharing)
    .filter((k) => k !== "timeSlicing" && k !== "mps")
    .map((k) => `sharing: unexpected field: ${k}`);
  for (const kind of ["timeSlicing", "mps"] as const)
    if (sharing[kind] !== undefined) problems.push(...replicatedProblems(`sharing.${kind}`, sharing[kind], strategy));
  return [...problems, ...mpsProblems(sharing, strategy)];
}

function flagsProblems(flags: unknown): string[] {
  if (flags === undefined) return [];
  if (!isMap(flags)) return ["flags: a map"];
  const problems = Object.keys(flags)
    .filter((k) => !FLAGS.has(k))
    .map((k) => `flags: unexpected field: ${k}`);
  const strategy = flags.migStrategy;
  if (strategy !== undefined && !(typeof strategy === "string" && MIG_STRATEGIES.has(strategy)))
    problems.push(`flags.migStrategy: unknown MIG strategy: ${JSON.stringify(strategy)}`);
  return problems;
}

/**
 * Why the device plugin would refuse a parsed config, or ignore part of it: `version` v1 (absent
 * means v1); `flags.migStrategy` none, single or mixed; each sharing kind with resources, each a
 * valid advertised resource name with replicas ≥ 2 (ReplicatedResource.UnmarshalJSON); MPS
 * neither with the mixed strategy nor for MIG devices, nor beside time-slicing. Stricter than
 * NVIDIA in one way: a field NVIDIA does not define is a problem here (NVIDIA's YAML reader
 * ignores it, so a misspelt field would silently do nothing). Empty when fine.
 */
export function devicePluginConfigProblems(config: unknown): string[] {
  if (!isMap(config)) return ["the file is not a map"];
  if (config.version !== undefined && config.version !== "v1")
    return [`unknown version: ${JSON.stringify(config.version)}`];
  const strategy = isMap(config.flags) ? (config.flags.migStrategy ?? "none") : "none";
  return [
    ...Object.keys(config)
      .filter((k) => !TOP_LEVEL.has(k))
      .map((k) => `unexpected field: ${k}`),
    ...flagsProblems(config.flags),
    ...sharingProblems(config.sharing, strategy),
  ];
}

/**
 * The name under which a node with `config` advertises `resource`, and each device's replicas:
 * a replicated resource of the active sharing (MPS before time-slicing, as the plugin picks) is
 * `<resource>.shared` with renameByDefault, else itself.
 */
export function advertised(config: DevicePluginConfig, resource: string): { name: string; replicas: number } {
  const active = config.sharing?.mps ?? config.sharing?.timeSlicing;
  const replicated = active?.resources.find((r) => r.name === resource);
  if (!active || !replicated) return { name: resource, replicas: 1 };
  return { name: active.renameByDefault ? `${resource}.shared` : resource, replicas: replicated.replicas };
}
