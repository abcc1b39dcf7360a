import type { Deployment, StatefulSet } from "kubernetes-types/apps/v1.js";
import type { HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2.js";
import type { ConfigMap, Event, Node, Pod, Secret, Service, ServiceAccount } from "kubernetes-types/core/v1.js";
import type { Role, RoleBinding } from "kubernetes-types/rbac/v1.js";
import type { CustomResourceDefinition } from "kubernetes-types/apiextensions/v1.js";
import { defineKind } from "./kind.js";
import type { KubeObject } from "./object.js";

type Obj<T> = T & KubeObject;

/** Kubernetes' own kinds that inferplane reads or writes. */
export const POD = defineKind<Obj<Pod>>({ group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true });
export const NODE = defineKind<Obj<Node>>({
  group: "",
  version: "v1",
  kind: "Node",
  plural: "nodes",
  namespaced: false,
});
export const SERVICE = defineKind<Obj<Service>>({
  group: "",
  version: "v1",
  kind: "Service",
  plural: "services",
  namespaced: true,
});
export const CONFIG_MAP = defineKind<Obj<ConfigMap>>({
  group: "",
  version: "v1",
  kind: "ConfigMap",
  plural: "configmaps",
  namespaced: true,
});
export const EVENT = defineKind<Obj<Event>>({
  group: "",
  version: "v1",
  kind: "Event",
  plural: "events",
  namespaced: true,
});
export const SECRET = defineKind<Obj<Secret>>({
  group: "",
  version: "v1",
  kind: "Secret",
  plural: "secrets",
  namespaced: true,
});
export const DEPLOYMENT = defineKind<Obj<Deployment>>({
  group: "apps",
  version: "v1",
  kind: "Deployment",
  plural: "deployments",
  namespaced: true,
});
export const STATEFUL_SET = defineKind<Obj<StatefulSet>>({
  group: "apps",
  version: "v1",
  kind: "StatefulSet",
  plural: "statefulsets",
  namespaced: true,
});
export const HORIZONTAL_POD_AUTOSCALER = defineKind<Obj<HorizontalPodAutoscaler>>({
  group: "autoscaling",
  version: "v2",
  kind: "HorizontalPodAutoscaler",
  plural: "horizontalpodautoscalers",
  namespaced: true,
});
export const SERVICE_ACCOUNT = defineKind<Obj<ServiceAccount>>({
  group: "",
  version: "v1",
  kind: "ServiceAccount",
  plural: "serviceaccounts",
  namespaced: true,
});
export const ROLE = defineKind<Obj<Role>>({
  group: "rbac.authorization.k8s.io",
  version: "v1",
  kind: "Role",
  plural: "roles",
  namespaced: true,
});
export const ROLE_BINDING = defineKind<Obj<RoleBinding>>({
  group: "rbac.authorization.k8s.io",
  version: "v1",
  kind: "RoleBinding",
  plural: "rolebindings",
  namespaced: true,
});
export const CUSTOM_RESOURCE_DEFINITION = defineKind<Obj<CustomResourceDefinition>>({
  group: "apiextensions.k8s.io",
  version: "v1",
  kind: "CustomResourceDefinition",
  plural: "customresourcedefinitions",
  namespaced: false,
});
