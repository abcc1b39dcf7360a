import { kindKey, type KindRef } from "../kube/kind.js";
import { controllerUid, objectKey, type KubeObject } from "../kube/object.js";

/** Objects by the uid of their controller, so "what does this object own" is a lookup, not a scan. */
export class OwnerIndex {
  private readonly byOwner = new Map<string, Map<string, KubeObject>>();

  private key(obj: KubeObject): string {
    return `${obj.apiVersion ?? ""}/${obj.kind ?? ""}/${objectKey(obj)}`;
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

  /** The owned objects of one kind. */
  ownedOfKind<T extends KubeObject>(uid: string, kind: KindRef<T>): T[] {
    const prefix = `${kindKey(kind)}/`;
    const out: T[] = [];
    for (const [key, obj] of this.byOwner.get(uid) ?? []) if (key.startsWith(prefix)) out.push(obj as T);
    return out;
  }
}
