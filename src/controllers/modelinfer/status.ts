import type { Pod } from "kubernetes-types/core/v1.js";
import { templateRevision } from "../../modelinfer/revision.js";
import type { ModelInfer, ModelInferStatus } from "../../apis/matrixinfer.js";
import { condition } from "../runtime/conditions.js";
import { groupIndices, podsOfGroup, podsPerGroup } from "./groups.js";
import { isRunningAndReady, isTerminating } from "./health.js";
import { LABEL_MODELINFER_NAME, LABEL_REVISION } from "../../apis/matrixinfer.js";

function progressReason(current: number, available: number, replicas: number): string {
  if (current < replicas) return "CreatingGroups";
  return available < replicas ? "WaitingForReady" : "Complete";
}

function countGroups(
  mi: ModelInfer,
  pods: readonly Pod[],
  revision: string,
): { current: number; updated: number; available: number } {
  const counts = { current: 0, updated: 0, available: 0 };
  for (const g of groupIndices(mi, pods)) {
    const expected = podsPerGroup(mi);
    const mine = podsOfGroup(mi, pods, g).filter((p) => !isTerminating(p));
    if (mine.length < expected) continue;
    counts.current++;
    if (mine.every((p) => p.metadata?.labels?.[LABEL_REVISION] === revision)) counts.updated++;
    if (mine.every(isRunningAndReady)) counts.available++;
  }
  return counts;
}

/**
 * Status from the pods: a group is current when all its pods exist, updated when they all carry
 * the current revision, available when they are all Running and Ready. Pure (`now` is given).
 */
export function modelInferStatus(mi: ModelInfer, pods: readonly Pod[], now: string): ModelInferStatus {
  const name = mi.metadata.name ?? "";
  const revision = templateRevision(mi.spec);
  const replicas = mi.spec.replicas ?? 1;
  const { current, updated, available } = countGroups(mi, pods, revision);
  const generation = mi.metadata.generation;
  const previous = mi.status?.conditions ?? [];
  const status: ModelInferStatus = {
    replicas,
    currentReplicas: current,
    updatedReplicas: updated,
    availableReplicas: available,
    labelSelector: `${LABEL_MODELINFER_NAME}=${name}`,
    conditions: [
      condition(
        "Available",
        available === replicas,
        available === replicas ? "AllGroupsAvailable" : "GroupsUnavailable",
        `${available}/${replicas} InferGroups available`,
        previous,
        now,
        generation,
      ),
      condition(
        "Progressing",
        current < replicas || available < replicas,
        progressReason(current, available, replicas),
        `${current}/${replicas} InferGroups complete`,
        previous,
        now,
        generation,
      ),
      condition(
        "UpdateInProgress",
        updated < current,
        updated < current ? "RevisionChanged" : "UpToDate",
        `${updated}/${replicas} InferGroups at revision ${revision}`,
        previous,
        now,
        generation,
      ),
    ],
  };
  if (generation !== undefined) status.observedGeneration = generation;
  return status;
}
