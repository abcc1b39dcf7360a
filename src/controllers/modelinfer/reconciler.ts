import type { Pod, Service } from "kubernetes-types/core/v1.js";
import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import { ModelInferKind, type ModelInfer, type ModelInferStatus } from "../../apis/matrixinfer.js";
import { POD, SERVICE } from "../../kube/core-kinds.js";
import { VolcanoPodGroupKind, type PodGroup } from "../../volcano/podgroup.js";
import type { DesiredState, Reconciler } from "../runtime/reconciler.js";
import { desiredState } from "./desired.js";
import { groupIndices } from "./groups.js";
import { recoveryActions } from "./recovery.js";
import { rolloutDeletions } from "./rollout.js";
import { modelInferStatus } from "./status.js";
import { CONDITION_SIZED } from "../../apis/optimizer.js";
import { modelInferScaleErrors } from "../../../webhooks/validators/modelinfer.js";
import { formatFieldError } from "../../../webhooks/field-errors.js";

/** What a ModelInfer controls right now. */
export interface OwnedState {
  pods: readonly Pod[];
  services: readonly Service[];
  podGroups: readonly PodGroup[];
}

export function ownedState(mi: ModelInfer, view: ClusterReader): OwnedState {
  const uid = mi.metadata.uid ?? "";
  return {
    pods: view.ownedOfKind(uid, POD),
    services: view.ownedOfKind(uid, SERVICE),
    podGroups: view.ownedOfKind(uid, VolcanoPodGroupKind),
  };
}

/**
 * The InferGroups of groupIndices (scale-up fills the lowest free ordinals, scale-down drops
 * unavailable groups first, then the highest) with their pods, headless Services and PodGroups;
 * broken pods rebuilt per recoveryPolicy (recovery.ts) and outdated groups rolled (rollout.ts).
 */
export function modelInferDesired(mi: ModelInfer, view: ClusterReader, now: Date): DesiredState {
  const tooLarge = modelInferScaleErrors(mi);
  if (tooLarge.length > 0) {
    const message = tooLarge.map(formatFieldError).join("; and ");
    return { children: [], hold: message, events: [{ type: "Warning", reason: "InvalidSpec", message }] };
  }
  const owned = ownedState(mi, view);
  const indices = groupIndices(mi, owned.pods);
  const groups = desiredState(mi, indices);
  const children = groups.flatMap((g) => [...g.pods, ...g.services, ...(g.podGroup ? [g.podGroup] : [])]);
  const recovery = recoveryActions(mi, owned.pods, now);
  const policy = mi.spec.recoveryPolicy ?? "RoleRecreate";
  const recovered = new Set(recovery.delete.map((p) => p.metadata?.name));
  const state: DesiredState = {
    children,
    recreate: [
      ...recovery.delete.map((object) => ({
        object,
        reason: "Recovering",
        type: "Warning" as const,
        message: `rebuilding (recoveryPolicy ${policy}): deleted`,
      })),
      ...rolloutDeletions(mi, owned.pods, indices)
        .filter((p) => !recovered.has(p.metadata?.name))
        .map((object) => ({
          object,
          reason: "RollingUpdate",
          type: "Normal" as const,
          message: "rolling to the new revision: deleted",
        })),
    ],
  };
  if (recovery.recheckAfterMs !== undefined) state.recheckAfterMs = recovery.recheckAfterMs;
  return state;
}

/** MatrixInfer's ModelInfer (DESIGN.md §4) on the shared runtime. */
export const modelInferReconciler: Reconciler<ModelInfer, ModelInferStatus> = {
  name: "modelinfer",
  kind: ModelInferKind,
  owns: [POD, SERVICE, VolcanoPodGroupKind],
  immutable: [POD],
  keepsConditions: [CONDITION_SIZED],
  desired: modelInferDesired,
  status: (mi, view, now) => modelInferStatus(mi, ownedState(mi, view).pods, now.toISOString()),
};
