import { objectKey, type KubeObject } from "../kube/object.js";

/**
 * Objects of one kind, indexed by namespace/name. Both cluster-view backends fill one of these
 * per kind, so lookups behave the same whether the objects came from files or informers.
 */
export class ObjectStore<T extends KubeObject> {
  private readonly items = new Map<string, T>();

  get(namespace: string, name: string): T | undefined {
    return this.items.get(`${namespace}/${name}`);
  }

  list(namespace?: string): T[] {
    const all = [...this.items.values()];
    return namespace === undefined ? all : all.filter((o) => (o.metadata?.namespace ?? "") === namespace);
  }

  upsert(obj: T): void {
    this.items.set(objectKey(obj), obj);
  }

  remove(obj: KubeObject): void {
    this.items.delete(objectKey(obj));
  }

  clear(): void {
    this.items.clear();
  }

  get size(): number {
    return this.items.size;
  }
}
