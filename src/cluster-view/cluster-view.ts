import type { Pod } from "kubernetes-types/core/v1.js";
import type { KindRef } from "../kube/kind.js";
import type { KubeObject } from "../kube/object.js";
import type { Resources } from "../kube/resources.js";
import type { PodGroup } from "../volcano/podgroup.js";
import type { Topology } from "../volcano/topology.js";

export type ChangeListener = (obj: KubeObject) => void;

/**
 * Read access to the one in-memory view of the cluster that the webhooks, the extender, the
 * controllers and `render` read. Lookups are synchronous: admission never waits on the API server.
 */
export interface ClusterReader {
  /** One object; `namespace` is ignored for cluster-scoped kinds. */
  get<T extends KubeObject>(kind: KindRef<T>, namespace: string, name: string): T | undefined;
  /** Every object of a kind, or those of one namespace. */
  list<T extends KubeObject>(kind: KindRef<T>, namespace?: string): readonly T[];
  /** Objects whose controller (owner reference with `controller: true`) has this uid. */
  ownedBy(uid: string): readonly KubeObject[];
  ownedOfKind<T extends KubeObject>(uid: string, kind: KindRef<T>): readonly T[];
  /** Grows on every change: derived results may be cached against it. */
  readonly version: number;
  /** A node's allocatable minus the requests of its bound, unfinished pods (milli-units). */
  nodeFree(node: string): Resources;
  /** A node's allocatable (milli-units), or undefined for a node the view does not know. */
  nodeAllocatable(node: string): Resources | undefined;
  /** A HyperNode's free room: the sum over the nodes below it (milli-units). */
  hyperNodeFree(hyperNode: string): Resources;
  /** The HyperNodes a node is below, lowest tier first. */
  hyperNodesOf(node: string): readonly string[];
  /** The pods of a gang (namespace + PodGroup name), sorted by name. */
  gangMembers(namespace: string, gang: string): Pod[];
  /** The gang's PodGroup: Volcano's, else scheduler-plugins'. */
  podGroup(namespace: string, name: string): PodGroup | undefined;
  /** The HyperNode tree resolved against the nodes. */
  topology(): Topology;
}

/** The view with its lifecycle: filled from files (standalone) or informers (in a cluster). */
export interface ClusterView extends ClusterReader {
  /** Called after every change (the controllers queue the objects it concerns). */
  subscribe(listener: ChangeListener): () => void;
  /** True once the first full list of every kind has been loaded. */
  hasSynced(): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}
