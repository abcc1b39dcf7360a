import { LABEL_MANAGED } from "../src/apis/inference-ai.js";
import { ANNOTATION_MIRROR_POD } from "../src/kube/well-known.js";

export interface OptInPolicy {
  /** Namespaces never touched: kube-system and the release namespace. */
  excludedNamespaces: ReadonlySet<string>;
}

interface Meta {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

/**
 * Only objects labelled `inference.ai/managed: "true"`, outside the excluded namespaces, and
 * never mirror pods (the kubelet owns those and cannot apply changes to them).
 */
export function isOptedIn(obj: Meta, namespace: string, policy: OptInPolicy): boolean {
  if (policy.excludedNamespaces.has(namespace)) return false;
  const meta = obj.metadata;
  if (meta?.labels?.[LABEL_MANAGED] !== "true") return false;
  return meta.annotations?.[ANNOTATION_MIRROR_POD] === undefined;
}
