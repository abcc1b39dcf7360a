import {
  KubeConfig,
  KubernetesObjectApi,
  type KubernetesListObject,
  type KubernetesObject,
} from "@kubernetes/client-node";
import type { Logger } from "../logging.js";
import { apiVersionOf, collectionPath } from "../kube/kind.js";
import type { KubeObject } from "../kube/object.js";
import { ResilientInformer } from "./resilient-informer.js";
import { SERVED_KINDS, type ServedKind } from "./served-kinds.js";
import { StoreView } from "./store-view.js";

export interface InformerViewOptions {
  resyncMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export function loadKubeConfig(path: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}

/** List items carry no apiVersion/kind; the stores dispatch on them, so they are filled in. */
function typed(served: ServedKind, obj: KubernetesObject): KubeObject {
  // client-node's typed models carry Dates where the JSON has strings; the stores only read names and specs.
  return {
    ...obj,
    apiVersion: obj.apiVersion ?? apiVersionOf(served.kind),
    kind: obj.kind ?? served.kind.kind,
  } as KubeObject;
}

/** Lists one kind across namespaces through client-node's generic object API. */
function lister(
  objects: KubernetesObjectApi,
  served: ServedKind,
): () => Promise<KubernetesListObject<KubernetesObject>> {
  return () =>
    objects.list(
      apiVersionOf(served.kind),
      served.kind.kind,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      served.labelSelector,
    );
}

/** In-cluster view: one informer per kind fills the same stores the file-backed view fills. */
export class InformerClusterView extends StoreView {
  private readonly informers: ResilientInformer[];

  constructor(log: Logger, kubeconfig: string | KubeConfig | undefined, options: InformerViewOptions = {}) {
    super();
    const kc = typeof kubeconfig === "object" ? kubeconfig : loadKubeConfig(kubeconfig);
    const objects = KubernetesObjectApi.makeApiClient(kc);
    this.informers = SERVED_KINDS.map(
      (served) =>
        new ResilientInformer({
          kubeconfig: kc,
          path: collectionPath(served.kind),
          list: lister(objects, served),
          onUpsert: (obj) => {
            this.stores.upsert(typed(served, obj), served.labelSelector);
          },
          onDelete: (obj) => {
            this.stores.remove(typed(served, obj), served.labelSelector);
          },
          optional: served.optional,
          labelSelector: served.labelSelector,
          log,
          ...options,
        }),
    );
  }

  async start(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.stop()));
  }

  hasSynced(): boolean {
    return this.informers.every((i) => i.hasSynced());
  }
}
