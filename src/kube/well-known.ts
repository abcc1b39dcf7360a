/** Well-known labels and annotations Kubernetes itself sets (kubernetes.io/docs/reference/labels-annotations-taints). */

/** Set by the StatefulSet controller on each pod since Kubernetes 1.28: the pod's ordinal. */
export const LABEL_POD_INDEX = "apps.kubernetes.io/pod-index";

/** On static pods' mirror pods, which the kubelet owns: never mutate them. */
export const ANNOTATION_MIRROR_POD = "kubernetes.io/config.mirror";

/** Recommended label naming the tool that manages an object. */
export const LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
