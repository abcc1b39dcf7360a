import { createHash } from "node:crypto";
import { kindKey, objectKindKey, type KindRef } from "../../kube/kind.js";
import { objectKey, type KubeObject } from "../../kube/object.js";
import { LABEL_MANAGED_BY } from "../../kube/well-known.js";

/** Annotation on every child: a hash of what inferplane last applied, so a change that only removes fields is seen. */
export const ANNOTATION_APPLIED_HASH = "inferplane.io/applied-hash";

/** `apiVersion/Kind namespace/name`: a child's identity. */
export function childKey(obj: KubeObject): string {
  return `${objectKindKey(obj)} ${objectKey(obj)}`;
}

/**
 * The child as the runtime applies it: labelled `app.kubernetes.io/managed-by: inferplane` (the
 * cluster view watches children by it) and annotated with its applied-hash (sha256 of the child
 * without it, 16 hex digits).
 */
export function stamped(child: KubeObject): KubeObject {
  const metadata = child.metadata ?? {};
  const labels = { ...metadata.labels, [LABEL_MANAGED_BY]: "inferplane" };
  const labelled = { ...child, metadata: { ...metadata, labels } };
  const hash = createHash("sha256").update(JSON.stringify(labelled)).digest("hex").slice(0, 16);
  const annotations = { ...metadata.annotations, [ANNOTATION_APPLIED_HASH]: hash };
  return { ...labelled, metadata: { ...labelled.metadata, annotations } };
}

/**
 * True when every field `want` sets has the same value in `have` (maps compared key by key,
 * lists element by element and of equal length): fields the server or others added do not count.
 */
export function subsetEqual(want: unknown, have: unknown): boolean {
  if (Array.isArray(want))
    return Array.isArray(have) && want.length === have.length && want.every((w, i) => subsetEqual(w, have[i]));
  if (typeof want === "object" && want !== null) {
    if (typeof have !== "object" || have === null) return false;
    const h = have as Record<string, unknown>;
    return Object.entries(want).every(([k, v]) => v === undefined || subsetEqual(v, h[k]));
  }
  return want === have;
}

export interface ChildPlan {
  /** To apply server-side because they are missing. */
  create: KubeObject[];
  /** To apply server-side because they differ from what is live. */
  update: KubeObject[];
  /** Owned children of the owned kinds that are no longer desired. */
  delete: KubeObject[];
}

/**
 * The writes that bring a primary's children to `desired` (each already carrying its
 * applied-hash): apply what is missing or differs from what is live, delete what is owned and no
 * longer desired. Children of `immutable` kinds are only created. Children being deleted
 * (`deleting`, by child key) are left alone until they are gone. Pure.
 */
export function planChildren(
  desired: readonly KubeObject[],
  owned: readonly KubeObject[],
  owns: readonly KindRef[],
  immutable: readonly KindRef[] = [],
  deleting: ReadonlySet<string> = new Set(),
): ChildPlan {
  const live = new Map(owned.map((o) => [childKey(o), o]));
  for (const key of deleting) live.set(key, {});
  const createOnly = new Set(immutable.map(kindKey));
  const create = desired.filter((want) => !live.has(childKey(want)));
  const update = desired.filter((want) => {
    const have = live.get(childKey(want));
    return (
      have !== undefined &&
      !deleting.has(childKey(want)) &&
      !createOnly.has(objectKindKey(want)) &&
      !subsetEqual(want, have)
    );
  });
  const wanted = new Set(desired.map(childKey));
  const ownedKinds = new Set(owns.map(kindKey));
  const remove = owned.filter(
    (o) => ownedKinds.has(objectKindKey(o)) && !wanted.has(childKey(o)) && !deleting.has(childKey(o)),
  );
  return { create, update, delete: remove };
}

/** True when `child` names the object with `uid` as its controller (an owner reference with `controller: true`). */
export function controlledBy(child: KubeObject, uid: string): boolean {
  return child.metadata?.ownerReferences?.some((r) => r.controller === true && r.uid === uid) ?? false;
}

/**
 * The writes for shared children (no controller owner reference): apply what `live` does not
 * show, or shows different. Nothing is deleted: another primary may still want the object. Pure.
 */
export function planShared(
  desired: readonly KubeObject[],
  live: (obj: KubeObject) => KubeObject | undefined,
): Pick<ChildPlan, "create" | "update"> {
  const create: KubeObject[] = [];
  const update: KubeObject[] = [];
  for (const want of desired) {
    const have = live(want);
    if (!have) create.push(want);
    else if (!subsetEqual(want, have)) update.push(want);
  }
  return { create, update };
}

/** True when the object's labels already are `labels` (`null`: absent). */
export function labelsHold(obj: KubeObject, labels: Readonly<Record<string, string | null>>): boolean {
  const have = obj.metadata?.labels ?? {};
  return Object.entries(labels).every(([k, v]) => (v === null ? !(k in have) : have[k] === v));
}
