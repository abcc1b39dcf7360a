import {
  CustomObjectsApi,
  CoreV1Api,
  KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from "@kubernetes/client-node";
import type { Logger } from "../logging.js";
import type { ModelInfer } from "../modelinfer/types.js";
import { MODELINFER_GROUP, MODELINFER_PLURAL, MODELINFER_VERSION } from "../modelinfer/types.js";
import type { ClusterView } from "./cluster-view.js";
import type { KubeObject } from "./object-store.js";
import { ResilientInformer } from "./resilient-informer.js";
import { GPU_API_VERSION, GPU_KINDS } from "../gpu/types.js";
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

/** Only the Services a ModelInfer made are watched. */
const MODELINFER_LABEL_SELECTOR = "modelinfer.matrixinfer.ai/name";

interface Source {
  labelSelector?: string;
  path: string;
  apiVersion: string;
  kind: string;
  list: () => Promise<unknown>;
  /** A CRD that may not be installed (Volcano, scheduler-plugins): absent counts as empty. */
  optional: boolean;
}

function customSource(
  custom: CustomObjectsApi,
  group: string,
  version: string,
  plural: string,
  kind: string,
  optional: boolean,
): Source {
  return {
    path: `/apis/${group}/${version}/${plural}`,
    apiVersion: `${group}/${version}`,
    kind,
    list: () => custom.listClusterCustomObject({ group, version, plural }),
    optional,
  };
}

/** List items carry no apiVersion/kind; the stores dispatch on them, so they are filled in. */
function typed(source: Source, obj: KubernetesObject): KubeObject {
  return { ...obj, apiVersion: obj.apiVersion ?? source.apiVersion, kind: obj.kind ?? source.kind };
}

/** In-cluster view: one informer per kind fills the same stores the file-backed view fills. */
export class InformerClusterView implements ClusterView {
  readonly stores = new ClusterStores();
  private readonly informers: ResilientInformer[];

  constructor(log: Logger, kubeconfig: string | KubeConfig | undefined, options: InformerViewOptions = {}) {
    const kc = typeof kubeconfig === "object" ? kubeconfig : loadKubeConfig(kubeconfig);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const core = kc.makeApiClient(CoreV1Api);
    const sources: Source[] = [
      customSource(custom, MODELINFER_GROUP, MODELINFER_VERSION, MODELINFER_PLURAL, "ModelInfer", false),
      { path: "/api/v1/nodes", apiVersion: "v1", kind: "Node", list: () => core.listNode(), optional: false },
      {
        path: "/api/v1/pods",
        apiVersion: "v1",
        kind: "Pod",
        list: () => core.listPodForAllNamespaces(),
        optional: false,
      },
      {
        path: "/api/v1/services",
        apiVersion: "v1",
        kind: "Service",
        list: () => core.listServiceForAllNamespaces({ labelSelector: MODELINFER_LABEL_SELECTOR }),
        optional: false,
        labelSelector: MODELINFER_LABEL_SELECTOR,
      },
      customSource(custom, "topology.volcano.sh", "v1alpha1", "hypernodes", "HyperNode", true),
      customSource(custom, "scheduling.volcano.sh", "v1beta1", "podgroups", "PodGroup", true),
      customSource(custom, "scheduling.x-k8s.io", "v1alpha1", "podgroups", "PodGroup", true),
      ...Object.values(GPU_KINDS).map((k) => customSource(custom, k.group, GPU_API_VERSION, k.plural, k.kind, true)),
    ];
    this.informers = sources.map(
      (source) =>
        new ResilientInformer({
          kubeconfig: kc,
          path: source.path,
          list: async () => (await source.list()) as KubernetesListObject<KubernetesObject>,
          onUpsert: (obj) => {
            this.stores.upsert(typed(source, obj));
          },
          onDelete: (obj) => {
            this.stores.remove(typed(source, obj));
          },
          optional: source.optional,
          labelSelector: source.labelSelector,
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

  getModelInfer(namespace: string, name: string): ModelInfer | undefined {
    return this.stores.getModelInfer(namespace, name);
  }

  listModelInfers(): readonly ModelInfer[] {
    return this.stores.listModelInfers();
  }
}
