import { withNamespace } from "../cluster-view/file-view.js";
import { assertManifestDir, loadManifestDir } from "../cluster-view/manifests.js";
import { SnapshotView } from "../cluster-view/snapshot-view.js";
import type { Flags } from "../config.js";
import type { KubeObject } from "../kube/object.js";
import { DEFAULT_MANIFESTS_DIR } from "../paths.js";
import type { AdmissionContext } from "../../webhooks/context.js";
import { admitBySchema } from "../../webhooks/validators/crd-gate.js";

/**
 * `obj` as the apiserver would store it: one of our kinds with its non-nullable nulls pruned, or
 * undefined when its CRD schema or metadata refuses it (it would never exist); other kinds as they are.
 */
export function storedForm(obj: KubeObject): KubeObject | undefined {
  const admitted = admitBySchema(obj.apiVersion ?? "", obj.kind ?? "", obj);
  if (!admitted) return obj;
  return admitted.errors.length === 0 ? (admitted.object as KubeObject) : undefined;
}

/**
 * The cluster a CLI dry run sees: the objects of `--manifests DIR` (default: the bundled
 * examples/), then the file's own objects, which win — so a file holding a ModelInfer and a pod
 * that names it is checked as one would be after `kubectl apply` of both. Objects of our kinds are
 * held as the apiserver stores them; one it would refuse is left out, as it would never exist.
 */
export async function clusterWith(flags: Flags, objects: readonly KubeObject[]): Promise<SnapshotView> {
  const dir = typeof flags.manifests === "string" ? flags.manifests : DEFAULT_MANIFESTS_DIR;
  assertManifestDir(dir);
  const view = new SnapshotView();
  for (const obj of [...(await loadManifestDir(dir)).map(withNamespace), ...objects]) {
    const stored = storedForm(obj);
    if (stored) view.upsert(stored);
  }
  return view;
}

/** Admission as the webhooks see it, over that cluster; the release namespace is never admitted. */
export async function admissionContext(flags: Flags, objects: readonly KubeObject[]): Promise<AdmissionContext> {
  const namespace = typeof flags.namespace === "string" ? flags.namespace : "inferplane-system";
  return {
    view: await clusterWith(flags, objects),
    policy: { excludedNamespaces: new Set(["kube-system", namespace]) },
  };
}

/** `Kind namespace/name`, or `Kind name` for a cluster-scoped object. */
export function describeObject(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return `${obj.kind ?? "?"} ${ns ? `${ns}/` : ""}${obj.metadata?.name ?? "?"}`;
}
