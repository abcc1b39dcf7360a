import { parse, stringify } from "yaml";
import { geometryOf, packLayout, profilesFor, type MigCount, type MigProfile } from "./mig.js";

/**
 * NVIDIA mig-parted's config file, `version: v1` (NVIDIA/mig-parted `api/spec/v1/spec.go`), as
 * GPU Operator's MIG manager reads it from the `config.yaml` key of the ConfigMap named by
 * `ClusterPolicy.spec.migManager.config.name`. A node picks a layout by its name with the label
 * `nvidia.com/mig.config` and reports progress in `nvidia.com/mig.config.state`.
 */
export interface MigPartedConfig {
  version: "v1";
  "mig-configs": Record<string, MigConfigSpec[]>;
}

/** One entry of a layout: which GPUs of the node (`all` or indices) and the MIG devices each gets. */
export interface MigConfigSpec {
  devices: "all" | number[];
  "mig-enabled": boolean;
  /** Profile (`3g.40gb`, `1g.10gb+me`, `1c.2g.10gb`) → instances per GPU; required when mig-enabled. */
  "mig-devices"?: Record<string, number>;
  /** PCI device IDs (`0x20B010DE`) the entry is limited to; absent: any GPU. */
  "device-filter"?: string | string[];
}

type Json = Record<string, unknown>;

const isMap = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

/** `%d<field>` as go-nvlib's parseMigProfileField reads it: no spaces, the suffix, then Go's Atoi. */
function fieldProblem(text: string, field: string): string | undefined {
  if (text.trim() !== text) return `leading or trailing spaces on '%d${field}'`;
  if (!text.endsWith(field)) return `missing '${field}' from '%d${field}'`;
  return /^[+-]?\d+$/.test(text.slice(0, -field.length)) ? undefined : `malformed number in '%d${field}'`;
}

function attributesProblem(text: string): string | undefined {
  const attrs = text.split(",");
  if (new Set(attrs).size !== attrs.length) return "non unique attribute in list";
  for (const a of attrs) {
    if (a === "") return "empty attribute in list";
    if (a.trim() !== a) return "leading or trailing spaces in attribute";
    if (/^[0-9]/.test(a)) return "attribute begins with a number";
    if (a.startsWith(".") || a.endsWith(".")) return "attribute begins/ends with a dot";
    if (!/^[A-Za-z0-9.]+$/.test(a)) return "non alpha-numeric character or digit in attribute";
  }
  return undefined;
}

/** `[<c>c.]<g>g.<gb>gb`, as go-nvlib's parseMigProfileFields reads it. */
function fieldsProblem(fields: string): string | undefined {
  const parts = fields.split(".");
  const names = parts.length === 3 ? ["c", "g", "gb"] : parts.length === 2 ? ["g", "gb"] : undefined;
  if (!names) return "parsed wrong number of fields, expected 2 or 3";
  return names.map((name, i) => fieldProblem(parts[i] ?? "", name)).find((p) => p !== undefined);
}

/**
 * Why a MIG profile string is malformed, as go-nvlib's `AssertValidMigProfileFormat` (which
 * mig-parted calls on every `mig-devices` key) says it: `[<c>c.]<g>g.<gb>gb` with optional
 * `+attr,…` or `-attr,…` (`1g.10gb+me`). Undefined when well-formed. Only the format: whether the
 * product has the profile is `migLayoutProblems`.
 */
export function migProfileFormatProblem(profile: string): string | undefined {
  if (profile === "") return "profile is the empty string";
  const plus = profile.split("+");
  const minus = profile.split("-");
  if (plus.length > 1 && minus.length > 1) return `profile '${profile}' contains both '+/-' attributes`;
  const [fields = "", ...rest] = plus.length > 1 ? plus : minus;
  const problem = fieldsProblem(fields);
  if (problem) return `cannot parse fields of '${profile}': ${problem}`;
  const attributes = rest.length === 0 ? undefined : attributesProblem(rest.join(plus.length > 1 ? "+" : "-"));
  return attributes && `cannot parse attributes of '${profile}': ${attributes}`;
}

function migDevicesProblems(where: string, devices: unknown): string[] {
  if (!isMap(devices)) return [`${where}.mig-devices: a map of profile to count`];
  const problems: string[] = [];
  for (const [profile, count] of Object.entries(devices)) {
    const format = migProfileFormatProblem(profile);
    if (format) problems.push(`${where}.mig-devices: invalid format for '${profile}': ${format}`);
    if (!isInt(count) || count < 0) problems.push(`${where}.mig-devices.${profile}: a count ≥ 0`);
  }
  const counts = Object.values(devices);
  if (counts.length > 0 && counts.every((c) => c === 0))
    problems.push(`${where}.mig-devices: all counts for all MigProfiles are 0`);
  return problems;
}

const SPEC_FIELDS = new Set(["device-filter", "devices", "mig-enabled", "mig-devices"]);

function devicesProblem(where: string, devices: unknown): string | undefined {
  if (devices === "all") return undefined;
  if (typeof devices === "string") return `${where}.devices: invalid string input: ${devices}`;
  return Array.isArray(devices) && devices.every(isInt)
    ? undefined
    : `${where}.devices: "all" or a list of GPU indices`;
}

function filterProblem(where: string, filter: unknown): string | undefined {
  const ok = typeof filter === "string" || (Array.isArray(filter) && filter.every((f) => typeof f === "string"));
  return ok ? undefined : `${where}.device-filter: a string or a list of strings`;
}

/** Unknown fields, missing required ones, and the type of `devices` and `device-filter`. */
function shapeProblems(where: string, spec: Json): string[] {
  const problems = Object.keys(spec)
    .filter((k) => !SPEC_FIELDS.has(k))
    .map((k) => `${where}: unexpected field: ${k}`);
  for (const required of ["devices", "mig-enabled"])
    if (!(required in spec)) problems.push(`${where}: missing required field: ${required}`);
  const devices = "devices" in spec ? devicesProblem(where, spec.devices) : undefined;
  const filter = "device-filter" in spec ? filterProblem(where, spec["device-filter"]) : undefined;
  return [...problems, ...[devices, filter].filter((p) => p !== undefined)];
}

/** `mig-enabled` a boolean, with `mig-devices` when true and none when false. */
function enabledProblems(where: string, spec: Json): string[] {
  const enabled = spec["mig-enabled"];
  const devices = spec["mig-devices"];
  const problems = devices === undefined ? [] : migDevicesProblems(where, devices);
  if ("mig-enabled" in spec && typeof enabled !== "boolean") problems.push(`${where}.mig-enabled: true or false`);
  if (enabled === true && devices === undefined)
    problems.push(`${where}: missing required field 'mig-devices' when 'mig-enabled' is true`);
  if (enabled === false && isMap(devices) && Object.keys(devices).length > 0)
    problems.push(`${where}: MIG devices included when 'mig-enabled' is false`);
  return problems;
}

/** MigConfigSpec.UnmarshalJSON's checks. */
function specProblems(where: string, spec: unknown): string[] {
  return isMap(spec) ? [...shapeProblems(where, spec), ...enabledProblems(where, spec)] : [`${where}: a map`];
}

/**
 * Why mig-parted would refuse a parsed config file, in its own words (Spec.UnmarshalJSON and
 * MigConfigSpec.UnmarshalJSON of `api/spec/v1`): `version: v1`; no field but `version` and
 * `mig-configs`; at least one layout, each with at least one entry; each entry as above. Empty
 * when it would be read.
 */
export function migPartedConfigProblems(config: unknown): string[] {
  if (!isMap(config)) return ["the file is not a map"];
  if (!("version" in config) && Object.keys(config).length > 0) return ["unable to parse with missing 'version' field"];
  if (config.version !== "v1") return [`unknown version: ${JSON.stringify(config.version)}`];
  const problems = Object.keys(config)
    .filter((k) => k !== "version" && k !== "mig-configs")
    .map((k) => `unexpected field: ${k}`);
  const configs = config["mig-configs"];
  if (configs === undefined) return problems;
  if (!isMap(configs) || Object.keys(configs).length === 0)
    return [...problems, "at least one entry in 'mig-configs' is required"];
  for (const [name, specs] of Object.entries(configs)) {
    if (!Array.isArray(specs) || specs.length === 0) {
      problems.push(`at least one entry in '${name}' is required`);
      continue;
    }
    specs.forEach((spec, i) => problems.push(...specProblems(`mig-configs.${name}[${i}]`, spec)));
  }
  return problems;
}

/** The profiles and counts one GPU of an enabled entry gets, or the first profile `known` lacks. */
function instancesOf(
  devices: Record<string, number>,
  known: readonly MigProfile[],
): { instances: MigCount[] } | { missing: string } {
  const instances: MigCount[] = [];
  for (const [name, count] of Object.entries(devices)) {
    const profile = known.find((p) => p.name === name);
    if (!profile) return { missing: name };
    instances.push({ profile, count });
  }
  return { instances };
}

/**
 * Why a layout cannot be applied on GPUs of `product`: a profile the product does not have, or an
 * entry whose MIG devices do not fit one GPU (the product's compute and memory slices; src/nvidia/mig.ts).
 * Nothing for a product not known here: mig-parted checks it on the node.
 */
export function migLayoutProblems(name: string, specs: readonly MigConfigSpec[], product: string): string[] {
  const known = profilesFor(product);
  if (!known) return [];
  if (known.length === 0) return [`${name}: ${product} has no MIG`];
  return specs.flatMap((spec, i) => {
    if (!spec["mig-enabled"]) return [];
    const got = instancesOf(spec["mig-devices"] ?? {}, known);
    if ("missing" in got)
      return [
        `${name}[${i}]: ${product} has no MIG profile ${got.missing}; it has ${known.map((p) => p.name).join(", ")}`,
      ];
    // One GPU is all an entry may take, so packing stops at the second: the counts cost nothing.
    const gpus = packLayout(got.instances, geometryOf(product), 1);
    return gpus ? [] : [`${name}[${i}]: the MIG devices of one entry do not fit one GPU of ${product}`];
  });
}

/**
 * YAML as NVIDIA's Go code reads it: sigs.k8s.io/yaml over go-yaml v2 follows YAML 1.1, where an
 * unquoted `on` or `yes` is a boolean, so strings that would read so are written quoted.
 */
export function nvidiaYaml(value: unknown): string {
  return stringify(value, { version: "1.1" });
}

/** The value NVIDIA's Go code reads from YAML text (YAML 1.1 scalars). */
export function parseNvidiaYaml(text: string): unknown {
  return parse(text, { version: "1.1" });
}
