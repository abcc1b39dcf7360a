import { cloneJson } from "../../src/kube/clone.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { entryAddress, groupName, podName, roleId } from "../../src/modelinfer/naming.js";
import { templateRevision } from "../../src/modelinfer/revision.js";
import type { ModelInfer, Role } from "../../src/apis/matrixinfer.js";
import { setEnvEverywhere } from "./env.js";
import { removeLabel, setAnnotations, setLabels } from "./metadata.js";
import {
  ENV_ENTRY_ADDRESS,
  ENV_GROUP_SIZE,
  ENV_WORKER_INDEX,
  LABEL_ENTRY,
  LABEL_GROUP_NAME,
  LABEL_MODELINFER_NAME,
  LABEL_REVISION,
  LABEL_ROLE,
  LABEL_ROLE_ID,
} from "../../src/apis/matrixinfer.js";
import { ANNOTATION_GANG_GROUP, ANNOTATION_TASK_SPEC } from "../../src/volcano/podgroup.js";

/** Where one pod sits in a ModelInfer: InferGroup, role instance and pod index. */
export interface ModelInferPodPlace {
  modelInfer: ModelInfer;
  role: Role;
  namespace: string;
  groupIndex: number;
  roleIndex: number;
  /** 0 for the entry pod, 1..workerReplicas for workers. */
  podIndex: number;
}

export function groupSize(role: Role): number {
  return (role.workerReplicas ?? 0) + 1;
}

/** Labels every pod of this place carries (DESIGN §4). */
export function modelInferPodLabels(place: ModelInferPodPlace): Record<string, string> {
  const mi = place.modelInfer.metadata.name ?? "";
  const result: Record<string, string> = {
    [LABEL_MODELINFER_NAME]: mi,
    [LABEL_GROUP_NAME]: groupName(mi, place.groupIndex),
    [LABEL_ROLE]: place.role.name,
    [LABEL_ROLE_ID]: roleId(place.role.name, place.roleIndex),
    [LABEL_REVISION]: templateRevision(place.modelInfer.spec),
  };
  if (place.podIndex === 0) result[LABEL_ENTRY] = "true";
  return result;
}

/**
 * Enhances a ModelInfer pod: labels, GROUP_SIZE / ENTRY_ADDRESS / WORKER_INDEX on every
 * container, the entry pod's hostname and subdomain, and gang annotations.
 * Pure: returns a new pod and leaves its input untouched. The controller builds its pods with it.
 */
export function enhanceModelInferPod(pod: Pod, place: ModelInferPodPlace): { pod: Pod; warnings: string[] } {
  const out = cloneJson(pod);
  const meta = (out.metadata ??= {});
  const spec = out.spec ?? { containers: [] };
  out.spec = spec;
  const mi = place.modelInfer.metadata.name ?? "";
  const entryPod = podName(mi, place.groupIndex, place.role.name, place.roleIndex, 0);

  setLabels(meta, modelInferPodLabels(place));
  if (place.podIndex !== 0) removeLabel(meta, LABEL_ENTRY);

  const warnings = setEnvEverywhere(spec, [
    [ENV_GROUP_SIZE, { value: String(groupSize(place.role)) }],
    [ENV_ENTRY_ADDRESS, { value: entryAddress(entryPod, place.namespace) }],
    [ENV_WORKER_INDEX, { value: String(place.podIndex) }],
  ]);

  if (place.podIndex === 0) {
    spec.hostname = entryPod;
    spec.subdomain = entryPod;
  }
  if (place.modelInfer.spec.template.gangSchedule) {
    setAnnotations(meta, {
      [ANNOTATION_GANG_GROUP]: groupName(mi, place.groupIndex),
      [ANNOTATION_TASK_SPEC]: roleId(place.role.name, place.roleIndex),
    });
  }
  return { pod: out, warnings };
}
