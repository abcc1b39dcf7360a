import type { Node, Pod, Service } from "kubernetes-types/core/v1.js";
import { isModelInfer, type ModelInfer } from "../modelinfer/types.js";
import { isHyperNode, type HyperNode } from "../../scheduler-extender/hypernode.js";
import { gangName, isPodGroup, type PodGroup } from "../../scheduler-extender/podgroup.js";
import { buildTopology, type Topology } from "../../scheduler-extender/topology.js";
import { NodeUsage } from "./node-usage.js";
import { GPU_KINDS, gpuKindOf, type GpuKindName } from "../gpu/types.js";
import { OwnerIndex } from "./owner-index.js";
import { ObjectStore, objectKey, type KubeObject } from "./object-store.js";

function isNode(obj: KubeObject): obj is Node & KubeObject {
  return obj.apiVersion === "v1" && obj.kind === "Node";
}

function isPod(obj: KubeObject): obj is Pod & KubeObject {
  return obj.apiVersion === "v1" && obj.kind === "Pod";
}

function isService(obj: KubeObject): obj is Service & KubeObject {
  return obj.apiVersion === "v1" && obj.kind === "Service";
}

export type ChangeListener = (obj: KubeObject) => void;

/**
 * The stores of every kind the view serves, the lookups over them, and the indexes derived
 * from them (node usage, gang membership, HyperNode topology), kept current on each change so
 * that no request rebuilds them. Both backends (files, informers) feed this one class.
 */
export class ClusterStores {
  readonly modelInfers = new ObjectStore<ModelInfer>();
  readonly nodes = new ObjectStore<Node & KubeObject>();
  readonly pods = new ObjectStore<Pod & KubeObject>();
  readonly hyperNodes = new ObjectStore<HyperNode>();
  readonly podGroups = new ObjectStore<PodGroup>();
  readonly services = new ObjectStore<Service & KubeObject>();
  /** GPUPools, TokenCaches and the production-stack kinds the GPU and cache enhancers read. */
  readonly gpu = Object.fromEntries(Object.keys(GPU_KINDS).map((k) => [k, new ObjectStore<KubeObject>()])) as Record<
    GpuKindName,
    ObjectStore<KubeObject>
  >;
  private readonly listeners = new Set<ChangeListener>();
  readonly usage = new NodeUsage();
  private readonly gangPods = new Map<string, Set<string>>();
  private readonly owners = new OwnerIndex();
  private topologyCache: Topology | undefined;
  private changes = 0;

  /** Grows on every change: derived results may be cached against it. */
  get version(): number {
    return this.changes;
  }

  /** Called after every upsert or removal (the controller queues the owning ModelInfer). */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(obj: KubeObject): void {
    for (const listener of this.listeners) listener(obj);
  }

  upsert(obj: KubeObject): void {
    this.apply(obj);
    this.notify(obj);
  }

  remove(obj: KubeObject): void {
    this.unapply(obj);
    this.notify(obj);
  }

  /** The stored object of the same kind, namespace and name, if any. */
  private stored(obj: KubeObject): KubeObject | undefined {
    return this.storeOf(obj)?.get(obj.metadata?.namespace ?? "", obj.metadata?.name ?? "");
  }

  private storeOf(obj: KubeObject): ObjectStore<KubeObject> | undefined {
    if (isService(obj)) return this.services;
    if (isPod(obj)) return this.pods;
    return isPodGroup(obj) ? this.podGroups : undefined;
  }

  private apply(obj: KubeObject): void {
    const previous = this.stored(obj);
    if (previous) this.owners.remove(previous);
    if (this.storeOf(obj)) this.owners.add(obj);
    this.changes++;
    if (isModelInfer(obj)) this.modelInfers.upsert(obj);
    else if (isService(obj)) this.services.upsert(obj);
    else if (isPod(obj)) this.upsertPod(obj);
    else if (isNode(obj)) this.upsertNode(obj);
    else if (isHyperNode(obj)) this.upsertTopology(obj);
    else if (isPodGroup(obj)) this.podGroups.upsert(obj);
    else this.gpuStore(obj)?.upsert(obj);
  }

  private gpuStore(obj: KubeObject): ObjectStore<KubeObject> | undefined {
    const kind = gpuKindOf(obj);
    return kind ? this.gpu[kind] : undefined;
  }

  private unapply(obj: KubeObject): void {
    const previous = this.stored(obj);
    if (previous) this.owners.remove(previous);
    this.changes++;
    if (isModelInfer(obj)) this.modelInfers.remove(obj);
    else if (isService(obj)) this.services.remove(obj);
    else if (isPod(obj)) this.removePod(obj);
    else if (isNode(obj)) {
      this.nodes.remove(obj);
      this.usage.removeNode(obj.metadata?.name ?? "");
      this.topologyCache = undefined;
    } else if (isHyperNode(obj)) {
      this.hyperNodes.remove(obj);
      this.topologyCache = undefined;
    } else if (isPodGroup(obj)) this.podGroups.remove(obj);
    else this.gpuStore(obj)?.remove(obj);
  }

  /** Replaces everything with `objects`; kinds the view does not serve are ignored. */
  replaceAll(objects: readonly KubeObject[]): void {
    for (const store of [
      this.modelInfers,
      this.nodes,
      this.pods,
      this.hyperNodes,
      this.podGroups,
      this.services,
      ...Object.values(this.gpu),
    ] as ObjectStore<KubeObject>[])
      store.replaceAll([]);
    this.usage.clear();
    this.gangPods.clear();
    this.owners.clear();
    this.topologyCache = undefined;
    for (const obj of objects) this.upsert(obj);
  }

  /** The pods, Services and PodGroups whose controller has this uid (an index, kept on each change). */
  ownedBy(uid: string): { pods: Pod[]; services: Service[]; podGroups: PodGroup[] } {
    const owned = this.owners.owned(uid);
    return {
      pods: owned.filter(isPod),
      services: owned.filter(isService),
      podGroups: owned.filter((o): o is PodGroup => isPodGroup(o)),
    };
  }

  private upsertNode(node: Node & KubeObject): void {
    const previous = this.nodes.get("", node.metadata?.name ?? "");
    this.nodes.upsert(node);
    this.usage.setNode(node);
    if (JSON.stringify(previous?.metadata?.labels) !== JSON.stringify(node.metadata?.labels) || !previous)
      this.topologyCache = undefined;
  }

  private upsertTopology(hyperNode: HyperNode): void {
    this.hyperNodes.upsert(hyperNode);
    this.topologyCache = undefined;
  }

  private gangKey(pod: Pod): string | undefined {
    const gang = gangName(pod);
    return gang === undefined ? undefined : `${pod.metadata?.namespace ?? ""}/${gang}`;
  }

  private upsertPod(pod: Pod & KubeObject): void {
    const previous = this.pods.get(pod.metadata?.namespace ?? "", pod.metadata?.name ?? "");
    if (previous) this.removePod(previous);
    this.pods.upsert(pod);
    this.usage.addPod(pod);
    const gang = this.gangKey(pod);
    if (gang) this.gangPods.set(gang, (this.gangPods.get(gang) ?? new Set()).add(objectKey(pod)));
  }

  private removePod(pod: Pod & KubeObject): void {
    const stored = this.pods.get(pod.metadata?.namespace ?? "", pod.metadata?.name ?? "");
    if (!stored) return;
    this.pods.remove(stored);
    this.usage.removePod(stored);
    const gang = this.gangKey(stored);
    if (gang) this.gangPods.get(gang)?.delete(objectKey(stored));
  }

  getModelInfer(namespace: string, name: string): ModelInfer | undefined {
    return this.modelInfers.get(namespace, name);
  }

  listModelInfers(): readonly ModelInfer[] {
    return this.modelInfers.list();
  }

  /** Pods of one gang (namespace + group name), sorted by name. */
  gangMembers(namespace: string, gang: string): Pod[] {
    const keys = [...(this.gangPods.get(`${namespace}/${gang}`) ?? [])].sort();
    return keys
      .map((k) => this.pods.get(namespace, k.slice(namespace.length + 1)))
      .filter((p): p is Pod & KubeObject => p !== undefined);
  }

  /** Volcano's PodGroup wins over scheduler-plugins' when both exist with one name. */
  podGroup(namespace: string, name: string): PodGroup | undefined {
    return this.podGroups.get(namespace, name);
  }

  topology(): Topology {
    this.topologyCache ??= buildTopology(
      this.hyperNodes.list(),
      this.nodes.list().map((n) => ({ name: n.metadata?.name ?? "", labels: n.metadata?.labels ?? {} })),
    );
    return this.topologyCache;
  }
}
