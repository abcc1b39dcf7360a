/** Volcano's HyperNode (`topology.volcano.sh/v1alpha1`, cluster-scoped). */

export const HYPERNODE_API_VERSION = "topology.volcano.sh/v1alpha1";
export const HYPERNODE_KIND = "HyperNode";

export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  values?: string[];
}

export interface MemberSelector {
  exactMatch?: { name: string };
  regexMatch?: { pattern: string };
  labelMatch?: { matchLabels?: Record<string, string>; matchExpressions?: LabelSelectorRequirement[] };
}

export interface HyperNodeMember {
  type: "Node" | "HyperNode";
  selector: MemberSelector;
}

export interface HyperNode {
  apiVersion: typeof HYPERNODE_API_VERSION;
  kind: typeof HYPERNODE_KIND;
  metadata: { name: string; resourceVersion?: string; namespace?: string };
  spec: { tier: number; members?: HyperNodeMember[] };
}

export function isHyperNode(obj: { apiVersion?: string; kind?: string }): obj is HyperNode {
  return obj.apiVersion === HYPERNODE_API_VERSION && obj.kind === HYPERNODE_KIND;
}
