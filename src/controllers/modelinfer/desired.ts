import { cloneJson } from "../../kube/clone.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import { controllerReference } from "../../kube/owner.js";
import type { Pod, PodTemplateSpec, Service } from "kubernetes-types/core/v1.js";
import { enhanceModelInferPod, groupSize, type ModelInferPodPlace } from "../../../webhooks/enhancers/modelinfer.js";
import type { PodGroup } from "../../volcano/podgroup.js";
import { VOLCANO_PODGROUP_API_VERSION } from "../../volcano/podgroup.js";
import { formatQuantity } from "../../kube/format.js";
import { add, podRequests, POD_SLOTS, type Resources } from "../../kube/resources.js";
import { entryPodName, groupName, podName, roleId } from "../../modelinfer/naming.js";
import type { ModelInfer, Role } from "../../apis/matrixinfer.js";
import { LABEL_MANAGED } from "../../apis/inference-ai.js";
import {
  LABEL_ENTRY,
  LABEL_GROUP_NAME,
  LABEL_MODELINFER_NAME,
  LABEL_ROLE,
  LABEL_ROLE_ID,
} from "../../apis/matrixinfer.js";
import { ANNOTATION_TASK_SPEC } from "../../volcano/podgroup.js";

/** Everything one InferGroup of a ModelInfer consists of. */
export interface DesiredGroup {
  index: number;
  pods: Pod[];
  services: Service[];
  podGroup: PodGroup | undefined;
}

/** A pod of the template, owned by the ModelInfer, then enhanced exactly as the webhook would. */
function buildPod(mi: ModelInfer, place: ModelInferPodPlace, template: PodTemplateSpec): Pod {
  const meta = template.metadata ?? {};
  const metadata: ObjectMeta = {
    name: podName(mi.metadata.name ?? "", place.groupIndex, place.role.name, place.roleIndex, place.podIndex),
    namespace: place.namespace,
    labels: { ...(meta.labels ?? {}), [LABEL_MANAGED]: "true" },
    ownerReferences: [controllerReference(mi)],
  };
  if (meta.annotations) metadata.annotations = { ...meta.annotations };
  const spec = cloneJson(template.spec ?? { containers: [] });
  if (mi.spec.schedulerName) spec.schedulerName = mi.spec.schedulerName;
  return enhanceModelInferPod({ apiVersion: "v1", kind: "Pod", metadata, spec }, place).pod;
}

/** The headless Service that makes ENTRY_ADDRESS resolve: named after, and selecting only, the entry pod. */
function entryService(mi: ModelInfer, g: number, role: Role, r: number, namespace: string): Service {
  const name = entryPodName(mi.metadata.name ?? "", g, role.name, r);
  const identity = {
    [LABEL_MODELINFER_NAME]: mi.metadata.name ?? "",
    [LABEL_GROUP_NAME]: groupName(mi.metadata.name ?? "", g),
    [LABEL_ROLE]: role.name,
    [LABEL_ROLE_ID]: roleId(role.name, r),
  };
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, labels: identity, ownerReferences: [controllerReference(mi)] },
    spec: {
      clusterIP: "None",
      publishNotReadyAddresses: true,
      selector: { ...identity, [LABEL_ENTRY]: "true" },
    },
  };
}

/**
 * The Volcano PodGroup of an InferGroup (DESIGN §4): for each role instance below
 * minRoleReplicas[role] (default: all), minTaskMember["<role>-<r>"] = 1 + workerReplicas;
 * minMember is their sum, minResources the requests of those pods.
 */
function podGroupOf(mi: ModelInfer, g: number, pods: readonly Pod[], namespace: string): PodGroup | undefined {
  const gang = mi.spec.template.gangSchedule;
  if (!gang) return undefined;
  const minTaskMember: Record<string, number> = {};
  for (const role of mi.spec.template.roles) {
    const counted = Math.min(gang.minRoleReplicas?.[role.name] ?? role.replicas ?? 1, role.replicas ?? 1);
    for (let r = 0; r < counted; r++) minTaskMember[roleId(role.name, r)] = groupSize(role);
  }
  const members = pods.filter((p) => (p.metadata?.annotations?.[ANNOTATION_TASK_SPEC] ?? "") in minTaskMember);
  const total = members.reduce<Resources>((acc, p) => add(acc, podRequests(p)), {});
  const minResources = Object.fromEntries(
    Object.entries(total)
      .filter(([k, v]) => k !== POD_SLOTS && v > 0)
      .map(([k, v]) => [k, formatQuantity(v)]),
  );
  const spec: PodGroup["spec"] = {
    minMember: Object.values(minTaskMember).reduce((a, b) => a + b, 0),
    minTaskMember,
    minResources,
  };
  if (gang.networkTopology) spec.networkTopology = { ...gang.networkTopology };
  return {
    apiVersion: VOLCANO_PODGROUP_API_VERSION,
    kind: "PodGroup",
    metadata: { name: groupName(mi.metadata.name ?? "", g), namespace, ownerReferences: [controllerReference(mi)] },
    spec,
  };
}

/** InferGroup `g` as it should be: its pods (entry + workers per role instance), Services, PodGroup. */
export function desiredGroup(mi: ModelInfer, g: number): DesiredGroup {
  const namespace = mi.metadata.namespace ?? "default";
  const pods: Pod[] = [];
  const services: Service[] = [];
  for (const role of mi.spec.template.roles) {
    for (let r = 0; r < (role.replicas ?? 1); r++) {
      const place = (podIndex: number): ModelInferPodPlace => ({
        modelInfer: mi,
        role,
        namespace,
        groupIndex: g,
        roleIndex: r,
        podIndex,
      });
      pods.push(buildPod(mi, place(0), role.entryTemplate));
      for (let p = 1; p <= (role.workerReplicas ?? 0); p++)
        pods.push(buildPod(mi, place(p), role.workerTemplate ?? role.entryTemplate));
      services.push(entryService(mi, g, role, r, namespace));
    }
  }
  return { index: g, pods, services, podGroup: podGroupOf(mi, g, pods, namespace) };
}

/** The given InferGroups (groupIndices decides which); by default 0..replicas-1. */
export function desiredState(
  mi: ModelInfer,
  indices: readonly number[] = Array.from({ length: mi.spec.replicas ?? 1 }, (_, g) => g),
): DesiredGroup[] {
  return indices.map((g) => desiredGroup(mi, g));
}
