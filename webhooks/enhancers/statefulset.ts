import { cloneJson } from "../../src/kube/clone.js";
import type { StatefulSet } from "kubernetes-types/apps/v1.js";
import type { EnvVar, PodSpec } from "kubernetes-types/core/v1.js";
import { statefulSetEntryAddress } from "../../src/modelinfer/naming.js";
import { allContainers, setEnvEverywhere } from "./env.js";
import { setLabels } from "./metadata.js";
import { failure, failures, success, type Outcome } from "./result.js";
import { DenialCode, type FieldError } from "../field-errors.js";
import { copiedValueError } from "../validators/names.js";
import { LABEL_MANAGED } from "../../src/apis/inference-ai.js";
import { ENV_ENTRY_ADDRESS, ENV_GROUP_SIZE, ENV_WORKER_INDEX, LABEL_ROLE } from "../../src/apis/matrixinfer.js";
import { LABEL_POD_INDEX } from "../../src/kube/well-known.js";
import { DNS1035_LABEL_RULE, DNS1123_LABEL_RULE, int32, MAX_INT32 } from "../../src/kube/validation.js";

/** A StatefulSet labelled with a ModelInfer role is one role instance (DESIGN §4). */
export function isRoleStatefulSet(sts: StatefulSet): boolean {
  return Boolean(sts.metadata?.labels?.[LABEL_ROLE]);
}

export interface StatefulSetGroup {
  /** GROUP_SIZE: `spec.replicas` (default 1). */
  size: number;
  /** `spec.ordinals.start` (default 0): the ordinal of the first pod, the entry. */
  start: number;
  /** ENTRY_ADDRESS: `<sts>-<start>.<serviceName>.<ns>`. */
  entryAddress: string;
}

/** An int32 field, default when absent; the error when it is not an integer the apiserver would store. */
function int32Field(path: string, value: unknown, fallback: number): number | FieldError {
  if (value === undefined) return fallback;
  return (
    int32(value) ?? {
      path,
      detail: `${JSON.stringify(value)} is not an integer from 0 to ${MAX_INT32}`,
      fix: "write a whole number (the field is an int32)",
    }
  );
}

function serviceNameErrors(serviceName: string): FieldError[] {
  if (!serviceName)
    return [
      { path: "spec.serviceName", detail: "empty", fix: "set it to a headless Service so ENTRY_ADDRESS resolves" },
    ];
  const error = copiedValueError("spec.serviceName", serviceName, DNS1035_LABEL_RULE, "ENTRY_ADDRESS's Service part");
  return error ? [error] : [];
}

/**
 * GROUP_SIZE, the entry ordinal and ENTRY_ADDRESS of a role StatefulSet, read from the fields that
 * define them (`spec.replicas`, `spec.ordinals.start`, `spec.serviceName`), each checked as the
 * apiserver checks it; 422 with every field that cannot make them.
 */
export function resolveStatefulSetGroup(sts: StatefulSet, namespace: string): Outcome<StatefulSetGroup> {
  const name = sts.metadata?.name ?? "";
  const serviceName = sts.spec?.serviceName ?? "";
  const size = int32Field("spec.replicas", sts.spec?.replicas, 1);
  const start = int32Field("spec.ordinals.start", sts.spec?.ordinals?.start, 0);
  const errors = [
    ...serviceNameErrors(serviceName),
    ...[size, start].filter((v): v is FieldError => typeof v !== "number"),
  ];
  if (typeof size !== "number" || typeof start !== "number" || errors.length > 0)
    return failures(DenialCode.Invalid, errors);
  const entryPod = copiedValueError(
    "metadata.name",
    `${name}-${start}`,
    DNS1123_LABEL_RULE,
    "the entry pod's hostname",
  );
  if (entryPod) return failure(DenialCode.Invalid, entryPod);
  return success({ size, start, entryAddress: statefulSetEntryAddress(name, serviceName, namespace, start) });
}

/** The downward-API WORKER_INDEX the template gets: the pod's ordinal, right only while ordinals start at 0. */
export const WORKER_INDEX_FROM_LABEL = {
  valueFrom: { fieldRef: { fieldPath: `metadata.labels['${LABEL_POD_INDEX}']` } },
};

function isOurDownwardIndex(env: EnvVar): boolean {
  return (
    env.name === ENV_WORKER_INDEX && JSON.stringify(env.valueFrom) === JSON.stringify(WORKER_INDEX_FROM_LABEL.valueFrom)
  );
}

/**
 * Gives a role StatefulSet's pod template the group env. WORKER_INDEX comes from the pod-index
 * label through the downward API when ordinals start at 0; with `spec.ordinals.start` ≠ 0 the
 * label is not the index (index = ordinal − start), so the template carries none and the pod
 * webhook sets the literal one, as it does on every pod (also on clusters older than 1.28).
 */
export function enhanceStatefulSet(sts: StatefulSet, namespace: string): Outcome<StatefulSet> {
  const group = resolveStatefulSetGroup(sts, namespace);
  if (!group.ok) return group;
  const out = cloneJson(sts);
  const template = out.spec?.template;
  const podSpec = template?.spec;
  if (!template || !podSpec)
    return failure(DenialCode.Invalid, {
      path: "spec.template.spec",
      detail: "missing",
      fix: "give the StatefulSet a pod template",
    });
  setLabels((template.metadata ??= {}), {
    [LABEL_MANAGED]: "true",
    [LABEL_ROLE]: sts.metadata?.labels?.[LABEL_ROLE] ?? "",
  });
  const warnings = setEnvEverywhere(podSpec, [
    [ENV_GROUP_SIZE, { value: String(group.value.size) }],
    [ENV_ENTRY_ADDRESS, { value: group.value.entryAddress }],
  ]);
  return success(out, [...warnings, ...setWorkerIndex(podSpec, group.value.start)]);
}

/** The downward-API WORKER_INDEX while ordinals start at 0; none (ours removed) otherwise. */
function setWorkerIndex(podSpec: PodSpec, start: number): string[] {
  if (start === 0) return setEnvEverywhere(podSpec, [[ENV_WORKER_INDEX, WORKER_INDEX_FROM_LABEL]]);
  for (const c of allContainers(podSpec))
    if (c.env?.some(isOurDownwardIndex)) c.env = c.env.filter((e) => !isOurDownwardIndex(e));
  return [];
}
