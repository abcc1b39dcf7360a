import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { NODE, POD } from "../kube/core-kinds.js";
import { isKind, kindKey, objectKindKey, type KindRef } from "../kube/kind.js";
import { objectKey, type KubeObject } from "../kube/object.js";
import type { Resources } from "../kube/resources.js";
import { isHyperNode, HyperNodeKind } from "../volcano/hypernode.js";
import { CoschedulingPodGroupKind, gangName, VolcanoPodGroupKind, type PodGroup } from "../volcano/podgroup.js";
import { buildTopology, type Topology } from "../volcano/topology.js";
import { NodeSelections } from "../volcano/node-selections.js";
import { HyperNodeTotals } from "./hypernode-totals.js";
import type { ChangeListener, ClusterReader } from "./cluster-view.js";
import { NodeUsage } from "./node-usage.js";
import { ObjectStore } from "./object-store.js";
import { OwnerIndex } from "./owner-index.js";
import { SERVED_KINDS, servedKindOf } from "./served-kinds.js";

type PodObject = Pod & KubeObject;

function withoutStrayNamespace(obj: KubeObject): KubeObject {
  if (obj.metadata?.namespace === undefined || servedKindOf(obj)?.namespaced !== false) return obj;
  const metadata = { ...obj.metadata };
  delete metadata.namespace;
  return { ...obj, metadata };
}

/**
 * The stores of every kind the view serves (SERVED_KINDS), the lookups over them, and the indexes
 * derived from them (node usage, gang membership, ownership, HyperNode topology), kept current on
 * each change so that no request rebuilds them. Both backends (files, informers) feed this class.
 */
export class ClusterStores implements ClusterReader {
  private readonly stores = new Map<string, ObjectStore<KubeObject>>(
    SERVED_KINDS.map((s) => [kindKey(s.kind), new ObjectStore<KubeObject>()]),
  );
  private readonly listeners = new Set<ChangeListener>();
  private readonly usage = new NodeUsage();
  private readonly gangPods = new Map<string, Set<string>>();
  private readonly owners = new OwnerIndex();
  /** Which sources (label selectors of the kind's informers) hold each object: `<kind>|<ns>/<name>`. */
  private readonly holders = new Map<string, Set<string>>();
  private topologyCache: Topology | undefined;
  private readonly selections = new NodeSelections();
  private readonly totals = new HyperNodeTotals(
    () => this.topology(),
    (node) => this.usage.free(node),
  );
  private topologyScheduled = false;
  private changes = 0;

  get version(): number {
    return this.changes;
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get<T extends KubeObject>(kind: KindRef<T>, namespace: string, name: string): T | undefined {
    return this.storeOf(kind)?.get(kind.namespaced ? namespace : "", name) as T | undefined;
  }

  list<T extends KubeObject>(kind: KindRef<T>, namespace?: string): T[] {
    return (this.storeOf(kind)?.list(kind.namespaced ? namespace : undefined) ?? []) as T[];
  }

  ownedBy(uid: string): KubeObject[] {
    return this.owners.owned(uid);
  }

  ownedOfKind<T extends KubeObject>(uid: string, kind: KindRef<T>): T[] {
    return this.owners.ownedOfKind(uid, kind);
  }

  nodeFree(node: string): Resources {
    return this.usage.free(node);
  }

  nodeAllocatable(node: string): Resources | undefined {
    return this.usage.allocatableOf(node);
  }

  gangMembers(namespace: string, gang: string): Pod[] {
    const keys = [...(this.gangPods.get(`${namespace}/${gang}`) ?? [])].sort();
    const pods = this.storeOf(POD);
    return keys
      .map((k) => pods?.get(namespace, k.slice(namespace.length + 1)))
      .filter((p): p is PodObject => p !== undefined);
  }

  /** Volcano's PodGroup, else scheduler-plugins' of the same name: each kind has its own store. */
  podGroup(namespace: string, name: string): PodGroup | undefined {
    return this.get(VolcanoPodGroupKind, namespace, name) ?? this.get(CoschedulingPodGroupKind, namespace, name);
  }

  hyperNodeFree(hyperNode: string): Resources {
    return this.totals.of(hyperNode);
  }

  hyperNodesOf(node: string): readonly string[] {
    return this.totals.holding(node);
  }

  topology(): Topology {
    if (this.topologyCache) return this.topologyCache;
    const hyperNodes = this.list(HyperNodeKind);
    const nodes = this.list(NODE).map((n) => ({ name: n.metadata?.name ?? "", labels: n.metadata?.labels ?? {} }));
    const byName = new Map(nodes.map((n) => [n.name, n]));
    this.topologyCache = buildTopology(hyperNodes, nodes, (hn, all) => this.selections.select(hn, byName, all));
    this.selections.settle(hyperNodes);
    return this.topologyCache;
  }

  /**
   * The topology and the HyperNodes' totals are rebuilt right after the changes that outdate them,
   * off any request's path: the extender's next filter finds them built (a burst of changes is one
   * rebuild).
   */
  private invalidateTopology(): void {
    this.topologyCache = undefined;
    this.totals.reset();
    if (this.topologyScheduled) return;
    this.topologyScheduled = true;
    setImmediate(() => {
      this.topologyScheduled = false;
      this.totals.sumAll();
    });
  }

  /**
   * Adds or replaces an object; kinds the view does not serve are ignored. A namespace on an
   * object of a cluster-scoped kind is dropped, as the API server ignores it. `source`: the label
   * selector of the informer it came from, when a kind has two (SERVED_KINDS).
   */
  upsert(given: KubeObject, source = ""): void {
    const obj = withoutStrayNamespace(given);
    const store = this.stores.get(objectKindKey(obj));
    if (!store) return;
    const key = `${objectKindKey(obj)}|${objectKey(obj)}`;
    this.holders.set(key, (this.holders.get(key) ?? new Set()).add(source));
    const previous = store.get(obj.metadata?.namespace ?? "", obj.metadata?.name ?? "");
    if (previous) this.unindex(previous);
    store.upsert(obj);
    this.index(obj, previous);
    this.changes++;
    this.notify(obj);
  }

  /** Removes an object, unless another source (informer of the same kind) still holds it. */
  remove(given: KubeObject, source = ""): void {
    const obj = withoutStrayNamespace(given);
    const key = `${objectKindKey(obj)}|${objectKey(obj)}`;
    const holders = this.holders.get(key);
    holders?.delete(source);
    if (holders && holders.size > 0) return;
    this.holders.delete(key);
    const store = this.stores.get(objectKindKey(obj));
    const stored = store?.get(obj.metadata?.namespace ?? "", obj.metadata?.name ?? "");
    if (!store || !stored) return;
    store.remove(stored);
    this.unindex(stored);
    this.forgetTopology(stored);
    this.changes++;
    this.notify(stored);
  }

  /** Replaces everything with `objects`. */
  replaceAll(objects: readonly KubeObject[]): void {
    for (const store of this.stores.values()) store.clear();
    this.usage.clear();
    this.gangPods.clear();
    this.owners.clear();
    this.holders.clear();
    this.selections.reset();
    this.invalidateTopology();
    for (const obj of objects) this.upsert(obj);
  }

  /** How many objects of each served kind the view holds, for logs. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.stores].filter(([, s]) => s.size > 0).map(([k, s]) => [k, s.size]));
  }

  private storeOf<T extends KubeObject>(kind: KindRef<T>): ObjectStore<KubeObject> | undefined {
    return this.stores.get(kindKey(kind));
  }

  private notify(obj: KubeObject): void {
    for (const listener of this.listeners) listener(obj);
  }

  private index(obj: KubeObject, previous: KubeObject | undefined): void {
    this.owners.add(obj);
    if (isKind(obj, POD)) this.indexPod(obj);
    else if (isKind(obj, NODE)) this.indexNode(obj, previous);
    else if (isHyperNode(obj)) this.invalidateTopology();
  }

  private indexNode(node: Node, previous: KubeObject | undefined): void {
    this.usage.setNode(node);
    this.totals.nodeChanged(node.metadata?.name ?? "");
    const labelsChanged = JSON.stringify(previous?.metadata?.labels) !== JSON.stringify(node.metadata?.labels);
    if (!previous || labelsChanged) {
      this.selections.nodeChanged(node.metadata?.name ?? "");
      this.invalidateTopology();
    }
  }

  private forgetTopology(removed: KubeObject): void {
    if (isKind(removed, NODE)) {
      this.usage.removeNode(removed.metadata?.name ?? "");
      this.totals.nodeChanged(removed.metadata?.name ?? "");
      this.selections.nodeChanged(removed.metadata?.name ?? "");
    }
    if (isKind(removed, NODE) || isHyperNode(removed)) this.invalidateTopology();
  }

  private unindex(obj: KubeObject): void {
    this.owners.remove(obj);
    if (!isKind(obj, POD)) return;
    this.usage.removePod(obj);
    if (obj.spec?.nodeName) this.totals.nodeChanged(obj.spec.nodeName);
    const gang = this.gangKey(obj);
    if (gang) this.gangPods.get(gang)?.delete(objectKey(obj));
  }

  private indexPod(pod: PodObject): void {
    this.usage.addPod(pod);
    if (pod.spec?.nodeName) this.totals.nodeChanged(pod.spec.nodeName);
    const gang = this.gangKey(pod);
    if (gang) this.gangPods.set(gang, (this.gangPods.get(gang) ?? new Set()).add(objectKey(pod)));
  }

  private gangKey(pod: Pod): string | undefined {
    const gang = gangName(pod);
    return gang === undefined ? undefined : `${pod.metadata?.namespace ?? ""}/${gang}`;
  }
}
