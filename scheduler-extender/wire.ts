import type { Node, Pod } from "kubernetes-types/core/v1.js";

/**
 * kube-scheduler's extender wire format (k8s.io/kube-scheduler/extender/v1). The Go structs
 * have no JSON tags, so requests use Go field names (`Pod`, `Nodes`, `NodeNames`) and replies
 * are decoded case-insensitively; we accept any casing and answer with the Go names.
 */
export interface ExtenderArgs {
  pod: Pod;
  nodes: Node[] | undefined;
  nodeNames: string[] | undefined;
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

export function parseExtenderArgs(body: unknown): ExtenderArgs {
  const args = record(body, "the request body");
  const pod = field(args, "Pod");
  if (pod === undefined || pod === null) throw new WireError("the request has no Pod");
  const nodesField = field(args, "Nodes");
  const namesField = field(args, "NodeNames");
  let nodes: Node[] | undefined;
  if (nodesField !== undefined && nodesField !== null) {
    const items = field(record(nodesField, "Nodes"), "items");
    if (!Array.isArray(items)) throw new WireError("Nodes.items must be an array");
    items.forEach((item, i) => record(item, `Nodes.items[${i}]`));
    nodes = items as Node[];
  }
  let nodeNames: string[] | undefined;
  if (namesField !== undefined && namesField !== null) {
    if (!Array.isArray(namesField) || !namesField.every((n) => typeof n === "string"))
      throw new WireError("NodeNames must be an array of strings");
    nodeNames = namesField;
  }
  if (!nodes && !nodeNames) throw new WireError("the request has neither Nodes nor NodeNames");
  return { pod: record(pod, "Pod"), nodes, nodeNames };
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

/** Candidate names, whichever way they came. */
export function candidateNames(args: ExtenderArgs): string[] {
  return args.nodeNames ?? (args.nodes ?? []).map((n) => n.metadata?.name ?? "");
}

/**
 * Answers in the form the request used: NodeNames for nodeCacheCapable, full Nodes otherwise.
 * `unresolvable`: the failures go in FailedAndUnresolvableNodes, so the scheduler does not try to
 * preempt for them.
 */
export function filterReply(
  args: ExtenderArgs,
  passed: ReadonlySet<string>,
  failed: Record<string, string>,
  error = "",
  unresolvable = false,
): ExtenderFilterResult {
  const result: ExtenderFilterResult = {
    FailedNodes: unresolvable ? {} : failed,
    FailedAndUnresolvableNodes: unresolvable ? failed : {},
    Error: error,
  };
  if (args.nodeNames) result.NodeNames = args.nodeNames.filter((n) => passed.has(n));
  else result.Nodes = { items: (args.nodes ?? []).filter((n) => passed.has(n.metadata?.name ?? "")) };
  return result;
}
