import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { listedCandidates, rawCandidates, type Candidates } from "./candidates.js";

/**
 * kube-scheduler's extender wire format (k8s.io/kube-scheduler/extender/v1). The Go structs
 * have no JSON tags, so requests use Go field names (`Pod`, `Nodes`, `NodeNames`) and replies
 * are decoded case-insensitively; we accept any casing and answer with the Go names.
 */
export interface ExtenderArgs {
  pod: Pod;
  /** The full Node objects, when nodeCacheCapable is false. */
  nodes: Node[] | undefined;
  /** The candidates' names, however they came. */
  candidates: Candidates;
}

export interface ExtenderFilterResult {
  Nodes?: { items: Node[] } | null;
  NodeNames?: string[] | null;
  FailedNodes: Record<string, string>;
  FailedAndUnresolvableNodes: Record<string, string>;
  Error: string;
}

export interface HostPriority {
  Host: string;
  Score: number;
}

export interface ExtenderBindingArgs {
  podName: string;
  podNamespace: string;
  podUID: string;
  node: string;
}

export const MAX_EXTENDER_PRIORITY = 10;

export class WireError extends Error {}

function field(body: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : body[key];
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new WireError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function parseNodes(value: unknown): Node[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = field(record(value, "Nodes"), "items");
  if (!Array.isArray(items)) throw new WireError("Nodes.items must be an array");
  if (!items.every((n) => typeof n === "object" && n !== null && !Array.isArray(n)))
    throw new WireError("Nodes.items must hold Node objects");
  return items as Node[];
}

function parseNames(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((n) => typeof n === "string"))
    throw new WireError("NodeNames must be an array of strings");
  return value;
}

export function parseExtenderArgs(body: unknown): ExtenderArgs {
  const args = record(body, "the request body");
  const pod = field(args, "Pod");
  if (pod === undefined || pod === null) throw new WireError("the request has no Pod");
  const nodes = parseNodes(field(args, "Nodes"));
  const nodeNames = parseNames(field(args, "NodeNames"));
  if (!nodes && !nodeNames) throw new WireError("the request has neither Nodes nor NodeNames");
  const candidates = listedCandidates(nodeNames ?? (nodes ?? []).map((n) => n.metadata?.name ?? ""));
  return { pod: record(pod, "Pod"), nodes: nodeNames ? undefined : nodes, candidates };
}

const NAMES_KEY = ',"NodeNames":[';

/**
 * kube-scheduler's own request, as Go's json.Marshal writes ExtenderArgs in nodeCacheCapable mode:
 * `{"Pod":{…},"Nodes":null,"NodeNames":["…",…]}`, compact, fields in struct order. Only the Pod is
 * parsed; the 5,000 names stay text until a verb needs more than a lookup. Anything else (other
 * casing, whitespace, full Nodes) takes the general parse.
 */
function parseKubeSchedulerArgs(text: string): ExtenderArgs | undefined {
  if (!text.startsWith('{"Pod":{') || !text.endsWith("]}")) return undefined;
  const at = text.lastIndexOf(NAMES_KEY);
  if (at < 0) return undefined;
  const candidates = rawCandidates(text.slice(at + NAMES_KEY.length - 1, -1));
  if (!candidates) return undefined;
  let head: unknown;
  try {
    head = JSON.parse(`${text.slice(0, at)}}`);
  } catch {
    return undefined;
  }
  const fields = head as Record<string, unknown>;
  const pod = fields.Pod;
  if (Object.keys(fields).some((k) => k !== "Pod" && k !== "Nodes") || fields.Nodes != null) return undefined;
  if (typeof pod !== "object" || pod === null || Array.isArray(pod)) return undefined;
  return { pod: pod, nodes: undefined, candidates };
}

/** The body of a filter or prioritize call; throws WireError with the reason for anything malformed. */
export function parseExtenderRequest(text: string): ExtenderArgs {
  const fast = parseKubeSchedulerArgs(text);
  if (fast) return fast;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new WireError("the request body is not valid JSON");
  }
  return parseExtenderArgs(body);
}

export function parseBindingArgs(body: unknown): ExtenderBindingArgs {
  const args = record(body, "the request body");
  const get = (name: string): string => {
    const value = field(args, name);
    if (typeof value !== "string" || value === "") throw new WireError(`${name} is missing`);
    return value;
  };
  return { podName: get("PodName"), podNamespace: get("PodNamespace"), podUID: get("PodUID"), node: get("Node") };
}

/** The passed names in the request's order; `all` echoes the request's array as it came. */
function passedNames(candidates: Candidates, passed: ReadonlySet<string> | "all"): string {
  if (passed === "all") return candidates.json();
  if (passed.size <= 1) return JSON.stringify([...passed].filter((n) => candidates.has(n)));
  return JSON.stringify(candidates.names().filter((n) => passed.has(n)));
}

/**
 * The filter reply as JSON text, in the form the request used: NodeNames for nodeCacheCapable,
 * full Nodes otherwise. `unresolvable`: the failures go in FailedAndUnresolvableNodes, so the
 * scheduler does not try to preempt for them.
 */
export function filterReplyJson(
  args: ExtenderArgs,
  passed: ReadonlySet<string> | "all",
  failed: Record<string, string>,
  error = "",
  unresolvable = false,
): string {
  const maps =
    `"FailedNodes":${JSON.stringify(unresolvable ? {} : failed)},` +
    `"FailedAndUnresolvableNodes":${JSON.stringify(unresolvable ? failed : {})},"Error":${JSON.stringify(error)}`;
  if (!args.nodes) return `{"NodeNames":${passedNames(args.candidates, passed)},${maps}}`;
  const items = passed === "all" ? args.nodes : args.nodes.filter((n) => passed.has(n.metadata?.name ?? ""));
  return `{"Nodes":${JSON.stringify({ items })},${maps}}`;
}

/** The same reply as an object. */
export function filterReply(
  args: ExtenderArgs,
  passed: ReadonlySet<string> | "all",
  failed: Record<string, string>,
  error = "",
  unresolvable = false,
): ExtenderFilterResult {
  return JSON.parse(filterReplyJson(args, passed, failed, error, unresolvable)) as ExtenderFilterResult;
}
