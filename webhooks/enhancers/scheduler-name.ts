import { cloneJson } from "../../src/kube/clone.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { gangName } from "../../src/volcano/podgroup.js";

const DEFAULT_SCHEDULER = "default-scheduler";

/**
 * When inferplane runs its own scheduler (the chart's `scheduler.mode: second`), gang pods are
 * sent to it — unless the pod already names a scheduler other than the default one. Pure.
 */
export function routeGangToScheduler(pod: Pod, schedulerName: string | undefined): Pod {
  if (!schedulerName || gangName(pod) === undefined) return pod;
  const current = pod.spec?.schedulerName;
  if (current !== undefined && current !== "" && current !== DEFAULT_SCHEDULER) return pod;
  if (current === schedulerName) return pod;
  const out = cloneJson(pod);
  out.spec = { ...(out.spec ?? { containers: [] }), schedulerName };
  return out;
}
