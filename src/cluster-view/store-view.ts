import type { Pod } from "kubernetes-types/core/v1.js";
import type { KindRef } from "../kube/kind.js";
import type { KubeObject } from "../kube/object.js";
import type { Resources } from "../kube/resources.js";
import type { PodGroup } from "../volcano/podgroup.js";
import type { Topology } from "../volcano/topology.js";
import type { ChangeListener, ClusterView } from "./cluster-view.js";
import { ClusterStores } from "./stores.js";

/** The reads of every view, answered from its stores; a backend only fills them. */
export abstract class StoreView implements ClusterView {
  protected readonly stores = new ClusterStores();

  abstract hasSynced(): boolean;
  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;

  get version(): number {
    return this.stores.version;
  }

  subscribe(listener: ChangeListener): () => void {
    return this.stores.subscribe(listener);
  }

  get<T extends KubeObject>(kind: KindRef<T>, namespace: string, name: string): T | undefined {
    return this.stores.get(kind, namespace, name);
  }

  list<T extends KubeObject>(kind: KindRef<T>, namespace?: string): readonly T[] {
    return this.stores.list(kind, namespace);
  }

  ownedBy(uid: string): readonly KubeObject[] {
    return this.stores.ownedBy(uid);
  }

  ownedOfKind<T extends KubeObject>(uid: string, kind: KindRef<T>): readonly T[] {
    return this.stores.ownedOfKind(uid, kind);
  }

  nodeFree(node: string): Resources {
    return this.stores.nodeFree(node);
  }

  nodeAllocatable(node: string): Resources | undefined {
    return this.stores.nodeAllocatable(node);
  }

  hyperNodeFree(hyperNode: string): Resources {
    return this.stores.hyperNodeFree(hyperNode);
  }

  hyperNodesOf(node: string): readonly string[] {
    return this.stores.hyperNodesOf(node);
  }

  gangMembers(namespace: string, gang: string): Pod[] {
    return this.stores.gangMembers(namespace, gang);
  }

  podGroup(namespace: string, name: string): PodGroup | undefined {
    return this.stores.podGroup(namespace, name);
  }

  topology(): Topology {
    return this.stores.topology();
  }
}
