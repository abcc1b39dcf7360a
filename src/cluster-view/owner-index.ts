import { objectKey, type KubeObject } from "./object-store.js";

interface OwnerRef {
  uid: string;
  controller?: boolean;
}

function controllerUid(obj: KubeObject): string | undefined {
  const refs = (obj.metadata as { ownerReferences?: OwnerRef[] } | undefined)?.ownerReferences;
  return refs?.find((r) => r.controller)?.uid;
}

/** Objects by the uid of their controller, so "what does this ModelInfer own" is a lookup, not a scan. */
export class OwnerIndex {
  private readonly byOwner = new Map<string, Map<string, KubeObject>>();

  private key(obj: KubeObject): string {
    return `${obj.kind ?? ""}/${objectKey(obj)}`;
  }

  add(obj: KubeObject): void {
    const uid = controllerUid(obj);
    if (!uid) return;
    const owned = this.byOwner.get(uid) ?? new Map<string, KubeObject>();
    owned.set(this.key(obj), obj);
    this.byOwner.set(uid, owned);
  }

  remove(obj: KubeObject): void {
    const uid = controllerUid(obj);
    const owned = uid === undefined ? undefined : this.byOwner.get(uid);
    if (!owned || uid === undefined) return;
    owned.delete(this.key(obj));
    if (owned.size === 0) this.byOwner.delete(uid);
  }

  clear(): void {
    this.byOwner.clear();
  }

  owned(uid: string): KubeObject[] {
    return [...(this.byOwner.get(uid)?.values() ?? [])];
  }
}
