import type { Pod } from "kubernetes-types/core/v1.js";
import { templateRevision } from "../../modelinfer/revision.js";
import type { ModelInfer } from "../../apis/matrixinfer.js";
import { groupAvailable, podsOfGroup } from "./groups.js";
import { isTerminating } from "./health.js";
import { LABEL_REVISION } from "../../apis/matrixinfer.js";

/** maxUnavailable as a number of groups: percentages of replicas round down, as in Deployments. */
export function unavailableBudget(mi: ModelInfer): number {
  const value = mi.spec.rolloutStrategy?.rollingUpdateConfiguration?.maxUnavailable ?? 1;
  const replicas = mi.spec.replicas ?? 1;
  if (typeof value === "number") return value;
  const percent = /^(\d+)%$/.exec(value);
  return percent ? Math.floor((Number(percent[1]) * replicas) / 100) : 1;
}

/**
 * The pods to delete for a rolling update: groups whose pods carry an older revision, from the
 * highest ordinal down to `partition`, while no more than maxUnavailable groups are unavailable.
 * A group already unavailable (e.g. being replaced, or broken) costs nothing more and may be
 * replaced out of order. The next passes recreate
 * the deleted pods at the new revision. Pure.
 */
export function rolloutDeletions(mi: ModelInfer, pods: readonly Pod[], indices: readonly number[]): Pod[] {
  const revision = templateRevision(mi.spec);
  const partition = mi.spec.rolloutStrategy?.rollingUpdateConfiguration?.partition ?? 0;
  let unavailable = indices.filter((g) => !groupAvailable(mi, pods, g)).length;
  const budget = Math.max(unavailableBudget(mi), 1);
  const deletions: Pod[] = [];
  for (const g of [...indices].filter((i) => i >= partition).sort((a, b) => b - a)) {
    const outdated = podsOfGroup(mi, pods, g).filter(
      (p) => !isTerminating(p) && p.metadata?.labels?.[LABEL_REVISION] !== revision,
    );
    if (outdated.length === 0) continue;
    if (groupAvailable(mi, pods, g)) {
      if (unavailable + 1 > budget) continue;
      unavailable++;
    }
    deletions.push(...outdated);
  }
  return deletions;
}
