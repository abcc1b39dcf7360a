import { CustomObjectsApi, KubeConfig, type KubernetesListObject, type KubernetesObject } from "@kubernetes/client-node";
import type { Logger } from "../logging.js";
import { isModelInfer, MODELINFER_GROUP, MODELINFER_PLURAL, MODELINFER_VERSION, type ModelInfer } from "../modelinfer/types.js";
import type { ClusterView } from "./cluster-view.js";
import { ResilientInformer } from "./resilient-informer.js";
import { ClusterStores } from "./stores.js";

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

/** In-cluster view: informers fill the same stores the file-backed view fills. */
export class InformerClusterView implements ClusterView {
  private readonly stores = new ClusterStores();
  private readonly informers: ResilientInformer[];

  constructor(log: Logger, kubeconfig: string | KubeConfig | undefined, options: InformerViewOptions = {}) {
    const kc = typeof kubeconfig === "object" ? kubeconfig : loadKubeConfig(kubeconfig);
    const custom = kc.makeApiClient(CustomObjectsApi);
    this.informers = [
      new ResilientInformer({
        kubeconfig: kc,
        path: `/apis/${MODELINFER_GROUP}/${MODELINFER_VERSION}/${MODELINFER_PLURAL}`,
        list: async () => (await custom.listClusterCustomObject({ group: MODELINFER_GROUP, version: MODELINFER_VERSION, plural: MODELINFER_PLURAL })) as KubernetesListObject<KubernetesObject>,
        // Custom objects arrive as plain JSON: the shape check is all the conversion there is.
        onUpsert: (obj) => { if (isModelInfer(obj)) this.stores.modelInfers.upsert(obj); },
        onDelete: (obj) => { this.stores.modelInfers.remove(obj); },
        log,
        ...options,
      }),
    ];
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

  getModelInfer(namespace: string, name: string): ModelInfer | undefined {
    return this.stores.getModelInfer(namespace, name);
  }

  listModelInfers(): readonly ModelInfer[] {
    return this.stores.listModelInfers();
  }
}
