/** Volcano's HyperNode (`topology.volcano.sh/v1alpha1`, cluster-scoped; volcano-sh/apis `topology/v1alpha1`). */
import { defineKind, isKind } from "../kube/kind.js";
import type { KubeObject } from "../kube/object.js";

export const HYPERNODE_API_VERSION = "topology.volcano.sh/v1alpha1";
export const HYPERNODE_KIND = "HyperNode";
export const HyperNodeKind = defineKind<HyperNode>({
  group: "topology.volcano.sh",
  version: "v1alpha1",
  kind: HYPERNODE_KIND,
  plural: "hypernodes",
  namespaced: false,
});

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

/** volcano-sh/apis topology/v1alpha1 HyperNodeSpec: `tier` (≥ 0; lower is closer), `tierName`, `members`. */
export interface HyperNode {
  apiVersion: typeof HYPERNODE_API_VERSION;
  kind: typeof HYPERNODE_KIND;
  metadata: { name: string; uid?: string; resourceVersion?: string; namespace?: string };
  spec: { tier: number; tierName?: string; members?: HyperNodeMember[] };
}

export function isHyperNode(obj: KubeObject): obj is HyperNode {
  return isKind(obj, HyperNodeKind);
}
