import type { Pod, Service } from "kubernetes-types/core/v1.js";
import type { PodGroup } from "../../scheduler-extender/podgroup.js";
import type { KubeObject } from "../cluster-view/object-store.js";
import type { ModelInfer } from "../modelinfer/types.js";
import { desiredState } from "./desired.js";
import { groupIndices } from "./groups.js";
import { recoveryActions } from "./recovery.js";
import { rolloutDeletions } from "./rollout.js";

/** What a ModelInfer controls right now. */
export interface OwnedState {
  pods: readonly Pod[];
  services: readonly Service[];
  podGroups: readonly PodGroup[];
}

export interface Actions {
  create: KubeObject[];
  delete: KubeObject[];
  /** Names among `delete` that are rebuilt because they broke (for events). */
  recovered: ReadonlySet<string>;
  /** Reconcile again after this long (a recovery grace period is running). */
  recheckAfterMs?: number;
}

function names(objects: readonly KubeObject[]): Set<string> {
  return new Set(objects.map((o) => o.metadata?.name ?? ""));
}

function difference(
  want: readonly KubeObject[],
  have: readonly KubeObject[],
): { create: KubeObject[]; delete: KubeObject[] } {
  const haveNames = names(have);
  const wantNames = names(want);
  return {
    create: want.filter((o) => !haveNames.has(o.metadata?.name ?? "")),
    delete: have.filter((o) => !wantNames.has(o.metadata?.name ?? "")),
  };
}

/**
 * The creations and deletions that bring a ModelInfer's objects to its spec: the groups of
 * groupIndices (scale-up fills the lowest free ordinals, scale-down drops unavailable groups
 * first, then the highest), role instances and workers up to the role's counts, a PodGroup only
 * with gangSchedule; broken pods are rebuilt per recoveryPolicy (recovery.ts) and outdated
 * groups are rolled (rollout.ts). Pure; the
 * controller carries it out.
 */
export function planActions(mi: ModelInfer, owned: OwnedState, now: Date): Actions {
  const indices = groupIndices(mi, owned.pods);
  const groups = desiredState(mi, indices);
  const parts = [
    difference(
      groups.flatMap((g) => g.pods),
      owned.pods,
    ),
    difference(
      groups.flatMap((g) => g.services),
      owned.services,
    ),
    difference(
      groups.flatMap((g) => (g.podGroup ? [g.podGroup] : [])),
      owned.podGroups,
    ),
  ];
  const deletions = parts.flatMap((p) => p.delete);
  const deleting = names(deletions);
  const recovery = recoveryActions(mi, owned.pods, now);
  const extra = [...recovery.delete, ...rolloutDeletions(mi, owned.pods, indices)].filter((p) => {
    const name = p.metadata?.name ?? "";
    if (deleting.has(name)) return false;
    deleting.add(name);
    return true;
  });
  const actions: Actions = {
    create: parts.flatMap((p) => p.create),
    delete: [...deletions, ...extra],
    recovered: names(recovery.delete),
  };
  if (recovery.recheckAfterMs !== undefined) actions.recheckAfterMs = recovery.recheckAfterMs;
  return actions;
}
