import type { Pod } from "kubernetes-types/core/v1.js";
import type { ModelInfer } from "../../apis/matrixinfer.js";
import { brokenSince, isTerminating } from "./health.js";
import { LABEL_GROUP_NAME, LABEL_ROLE_ID } from "../../apis/matrixinfer.js";

export interface Recovery {
  delete: Pod[];
  /** When a broken pod's grace period ends, if one is still running. */
  recheckAfterMs?: number;
}

/** The pods rebuilt together with a broken one, by recoveryPolicy. */
function blastRadius(mi: ModelInfer, broken: Pod, pods: readonly Pod[]): Pod[] {
  const label = (p: Pod, key: string): string | undefined => p.metadata?.labels?.[key];
  const sameGroup = (p: Pod): boolean => label(p, LABEL_GROUP_NAME) === label(broken, LABEL_GROUP_NAME);
  switch (mi.spec.recoveryPolicy ?? "RoleRecreate") {
    case "InferGroupRecreate":
      return pods.filter(sameGroup);
    case "RoleRecreate":
      return pods.filter((p) => sameGroup(p) && label(p, LABEL_ROLE_ID) === label(broken, LABEL_ROLE_ID));
    default:
      return [broken];
  }
}

/**
 * Recovery: a pod that failed or restarted and is still not Running and Ready after
 * restartGracePeriodSeconds is rebuilt with its InferGroup (InferGroupRecreate), its role
 * instance (RoleRecreate) or alone (None — deleted so that it is recreated; MatrixInfer left it
 * gone). Deleted pods are recreated by the next pass. Pure (`now` is given).
 */
export function recoveryActions(mi: ModelInfer, pods: readonly Pod[], now: Date): Recovery {
  const graceMs = (mi.spec.template.restartGracePeriodSeconds ?? 0) * 1000;
  const live = pods.filter((p) => !isTerminating(p));
  const doomed = new Map<string, Pod>();
  let recheckAfterMs: number | undefined;
  for (const pod of live) {
    const since = brokenSince(pod);
    if (!since) continue;
    const remaining = since.getTime() + graceMs - now.getTime();
    if (remaining > 0) {
      recheckAfterMs = Math.min(recheckAfterMs ?? Infinity, remaining);
      continue;
    }
    for (const p of blastRadius(mi, pod, live)) doomed.set(p.metadata?.name ?? "", p);
  }
  const result: Recovery = { delete: [...doomed.values()] };
  if (recheckAfterMs !== undefined) result.recheckAfterMs = recheckAfterMs;
  return result;
}
