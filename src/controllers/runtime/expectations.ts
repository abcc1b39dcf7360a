import type { KubeObject } from "../../kube/object.js";
import { ANNOTATION_APPLIED_HASH, childKey } from "./child-plan.js";

function appliedHash(obj: KubeObject): string | undefined {
  return obj.metadata?.annotations?.[ANNOTATION_APPLIED_HASH];
}

interface Expected {
  /** The object applied (its applied-hash), or undefined for a deletion. */
  applied: KubeObject | undefined;
  until: number;
}

/**
 * Writes a pass made that the cluster view has not shown yet (client-go's ReplicaSet
 * "expectations"): without them a pass that runs before the informers caught up would create
 * or delete the same children again. An expectation lapses when the view shows the write, or
 * after `ttlMs` (then the pass acts again, which server-side apply makes harmless).
 */
export class Expectations {
  private readonly byPrimary = new Map<string, Map<string, Expected>>();

  constructor(private readonly ttlMs = 30_000) {}

  expectApplied(primary: string, objects: readonly KubeObject[], now: number): void {
    const mine = this.mine(primary);
    for (const obj of objects) mine.set(childKey(obj), { applied: obj, until: now + this.ttlMs });
  }

  expectDeleted(primary: string, objects: readonly KubeObject[], now: number): void {
    const mine = this.mine(primary);
    for (const obj of objects) mine.set(childKey(obj), { applied: undefined, until: now + this.ttlMs });
  }

  /**
   * The owned children as they will be once the view shows this primary's pending applies, and
   * the children whose deletion the view has not shown yet: neither deleted nor created again
   * until it has.
   */
  pending(
    primary: string,
    observed: readonly KubeObject[],
    now: number,
  ): { owned: KubeObject[]; deleting: Set<string> } {
    const deleting = new Set<string>();
    const mine = this.byPrimary.get(primary);
    if (!mine) return { owned: [...observed], deleting };
    const seen = new Map(observed.map((o) => [childKey(o), o]));
    for (const [key, expected] of mine) {
      const live = seen.get(key);
      const shown = expected.applied ? live && appliedHash(live) === appliedHash(expected.applied) : !live;
      if (shown || expected.until < now) mine.delete(key);
      else if (expected.applied) seen.set(key, expected.applied);
      else deleting.add(key);
    }
    if (mine.size === 0) this.byPrimary.delete(primary);
    return { owned: [...seen.values()], deleting };
  }

  forget(primary: string): void {
    this.byPrimary.delete(primary);
  }

  private mine(primary: string): Map<string, Expected> {
    const mine = this.byPrimary.get(primary) ?? new Map<string, Expected>();
    this.byPrimary.set(primary, mine);
    return mine;
  }
}
