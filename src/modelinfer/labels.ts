/** Labels, annotations and env names of ModelInfer workloads: one source for all of them. */
const PREFIX = "modelinfer.matrixinfer.ai";

export const LABEL_MODELINFER_NAME = `${PREFIX}/name`;
export const LABEL_GROUP_NAME = `${PREFIX}/group-name`;
export const LABEL_ROLE = `${PREFIX}/role`;
export const LABEL_ROLE_ID = `${PREFIX}/role-id`;
export const LABEL_REVISION = `${PREFIX}/revision`;
export const LABEL_ENTRY = `${PREFIX}/entry`;

/** The opt-in label for the webhooks. */
export const LABEL_MANAGED = "inference.ai/managed";

/** Set by the StatefulSet controller since Kubernetes 1.28. */
export const LABEL_POD_INDEX = "apps.kubernetes.io/pod-index";

export const ANNOTATION_GANG_GROUP = "scheduling.k8s.io/group-name";
export const ANNOTATION_TASK_SPEC = "volcano.sh/task-spec";
export const ANNOTATION_MIRROR_POD = "kubernetes.io/config.mirror";

export const ENV_GROUP_SIZE = "GROUP_SIZE";
export const ENV_ENTRY_ADDRESS = "ENTRY_ADDRESS";
export const ENV_WORKER_INDEX = "WORKER_INDEX";
