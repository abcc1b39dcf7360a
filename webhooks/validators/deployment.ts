import type { Deployment } from "kubernetes-types/apps/v1.js";
import { success, type Outcome } from "../enhancers/result.js";
import { LABEL_ROLE } from "../../src/apis/matrixinfer.js";

/**
 * A Deployment's pods have no ordinals, so a multi-pod group (a role with replicas > 1) gets no
 * WORKER_INDEX or ENTRY_ADDRESS: allowed, with a warning that points to a StatefulSet.
 */
export function validateDeployment(deployment: Deployment): Outcome<undefined> {
  const role = deployment.metadata?.labels?.[LABEL_ROLE] ?? deployment.spec?.template.metadata?.labels?.[LABEL_ROLE];
  const replicas = deployment.spec?.replicas ?? 1;
  if (role === undefined || replicas <= 1) return success(undefined);
  return success(undefined, [
    `Deployment role ${role} has ${replicas} pods but no ordinals: no group env; use a StatefulSet or a ModelInfer`,
  ]);
}
