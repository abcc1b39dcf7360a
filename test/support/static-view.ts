import type { ClusterView } from "../../src/cluster-view/cluster-view.js";
import { ClusterStores } from "../../src/cluster-view/stores.js";
import type { ModelInfer } from "../../src/modelinfer/types.js";
import type { AdmissionContext } from "../../webhooks/context.js";

/** A cluster view over objects given in code, for unit tests of the pure enhancers. */
export function staticView(modelInfers: ModelInfer[], synced = true): ClusterView {
  const stores = new ClusterStores();
  stores.replaceAll(modelInfers);
  return {
    stores,
    getModelInfer: (ns, name) => stores.getModelInfer(ns, name),
    listModelInfers: () => stores.listModelInfers(),
    hasSynced: () => synced,
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  };
}

export function staticContext(modelInfers: ModelInfer[], synced = true): AdmissionContext {
  return {
    view: staticView(modelInfers, synced),
    policy: { excludedNamespaces: new Set(["kube-system", "inferplane-system"]) },
  };
}
