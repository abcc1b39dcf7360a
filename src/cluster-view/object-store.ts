/** Minimal shape of any Kubernetes object the store keeps. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata?.namespace ?? "";
  return `${ns}/${obj.metadata?.name ?? ""}`;
}

/**
 * Objects of one kind, indexed by namespace/name. Both cluster-view backends fill one of these
 * per kind, so lookups behave the same whether the objects came from files or informers.
 */
export class ObjectStore<T extends KubeObject> {
  private readonly items = new Map<string, T>();

  get(namespace: string, name: string): T | undefined {
    return this.items.get(`${namespace}/${name}`);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  upsert(obj: T): void {
    this.items.set(objectKey(obj), obj);
  }

  remove(obj: KubeObject): void {
    this.items.delete(objectKey(obj));
  }

  replaceAll(objects: readonly T[]): void {
    this.items.clear();
    for (const obj of objects) this.upsert(obj);
  }

  get size(): number {
    return this.items.size;
  }
}
