import { SnapshotView } from "../../src/cluster-view/snapshot-view.js";
import type { KubeObject } from "../../src/kube/object.js";
import type { ModelInfer } from "../../src/apis/matrixinfer.js";
import type { AdmissionContext } from "../../webhooks/context.js";

/** A cluster view over objects given in code, for unit tests of the pure parts. */
export { SnapshotView as StaticView } from "../../src/cluster-view/snapshot-view.js";

export function staticView(objects: readonly KubeObject[], synced = true): SnapshotView {
  return new SnapshotView(objects, synced);
}

export function staticContext(modelInfers: ModelInfer[], synced = true): AdmissionContext {
  return {
    view: staticView(modelInfers, synced),
    policy: { excludedNamespaces: new Set(["kube-system", "inferplane-system"]) },
  };
}
