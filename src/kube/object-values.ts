import type { PodSpec, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "./object.js";
import {
  CONFIG_MAP_KEY_RULE,
  DNS1035_LABEL_RULE,
  DNS1123_LABEL_RULE,
  DNS1123_SUBDOMAIN_RULE,
  LABEL_VALUE_RULE,
  QUALIFIED_NAME_RULE,
  type NameRule,
} from "./validation.js";

/** A value an object carries where the apiserver checks it by a rule: `Service metadata.name`, `…labels[app]`. */
export interface CheckedValue {
  /** Where it lands: `spec.hostname`, `metadata.labels[…]`, `Service metadata.name`. */
  field: string;
  value: string;
  rule: NameRule;
}

/** A value that breaks its rule, with the apiserver's messages. */
export type BrokenValue = CheckedValue & { errors: string[] };

/** The values that break their rule, each with the apiserver's messages. */
export function brokenValues(values: readonly CheckedValue[]): BrokenValue[] {
  // A controller checks every child of every pass: allocate only for what is broken.
  const broken: BrokenValue[] = [];
  for (const v of values) {
    const errors = v.rule.check(v.value);
    if (errors.length > 0) broken.push({ ...v, errors });
  }
  return broken;
}

/**
 * The rule of an object's `metadata.name` (k8s.io/kubernetes pkg/apis/*\/validation): a Service's is
 * a DNS-1035 label, a Namespace's a DNS-1123 label, most others' (Pods, ConfigMaps, workloads,
 * custom resources) a DNS-1123 subdomain.
 */
export function nameRuleOf(obj: KubeObject): NameRule {
  if (obj.apiVersion === "v1" && obj.kind === "Service") return DNS1035_LABEL_RULE;
  if (obj.apiVersion === "v1" && obj.kind === "Namespace") return DNS1123_LABEL_RULE;
  return DNS1123_SUBDOMAIN_RULE;
}

/** A label map (labels, a selector's matchLabels, a node selector): keys qualified names, values label values. */
export function labelValues(path: string, map: Record<string, string> | undefined): CheckedValue[] {
  return Object.entries(map ?? {}).flatMap(([key, value]) => [
    { field: `${path}[${key}]`, value: key, rule: QUALIFIED_NAME_RULE },
    { field: `${path}[${key}]`, value, rule: LABEL_VALUE_RULE },
  ]);
}

function annotationKeys(path: string, map: Record<string, string> | undefined): CheckedValue[] {
  return Object.keys(map ?? {}).map((key) => ({ field: `${path}[${key}]`, value: key, rule: QUALIFIED_NAME_RULE }));
}

function optional(field: string, value: string | undefined, rule: NameRule): CheckedValue[] {
  return value === undefined ? [] : [{ field, value, rule }];
}

/** What a pod spec carries by a naming rule: container names, node selector, hostname, subdomain, service account. */
export function podSpecValues(path: string, spec: PodSpec | undefined): CheckedValue[] {
  if (!spec) return [];
  const containers = [
    ...(spec.initContainers ?? []),
    ...((spec.containers as PodSpec["containers"] | undefined) ?? []),
  ];
  return [
    ...containers.map((c) => ({
      field: `${path}.containers[${c.name}].name`,
      value: c.name,
      rule: DNS1123_LABEL_RULE,
    })),
    ...labelValues(`${path}.nodeSelector`, spec.nodeSelector),
    ...optional(`${path}.hostname`, spec.hostname, DNS1123_LABEL_RULE),
    ...optional(`${path}.subdomain`, spec.subdomain, DNS1123_LABEL_RULE),
    ...optional(`${path}.serviceAccountName`, spec.serviceAccountName, DNS1123_SUBDOMAIN_RULE),
  ];
}

function templateValues(path: string, template: PodTemplateSpec | undefined): CheckedValue[] {
  if (!template) return [];
  return [
    ...labelValues(`${path}.metadata.labels`, template.metadata?.labels),
    ...annotationKeys(`${path}.metadata.annotations`, template.metadata?.annotations),
    ...podSpecValues(`${path}.spec`, template.spec),
  ];
}

interface Shapes {
  spec?: {
    selector?: Record<string, string> | { matchLabels?: Record<string, string> };
    template?: PodTemplateSpec & { roles?: { entryTemplate?: PodTemplateSpec; workerTemplate?: PodTemplateSpec }[] };
  } & PodSpec;
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

function selectorValues(obj: KubeObject & Shapes): CheckedValue[] {
  const selector = obj.spec?.selector;
  if (!selector || typeof selector !== "object") return [];
  if (obj.apiVersion === "v1" && obj.kind === "Service")
    return labelValues("spec.selector", selector as Record<string, string>);
  return labelValues("spec.selector.matchLabels", (selector as { matchLabels?: Record<string, string> }).matchLabels);
}

function specValues(obj: KubeObject & Shapes): CheckedValue[] {
  const spec = obj.spec;
  if (!spec) return [];
  if (obj.apiVersion === "v1" && obj.kind === "Pod") return podSpecValues(`${obj.kind} spec`, spec);
  const roles = spec.template?.roles ?? [];
  return [
    ...selectorValues(obj),
    ...(roles.length === 0 ? templateValues("spec.template", spec.template) : []),
    ...roles.flatMap((r, i) => [
      ...templateValues(`spec.template.roles[${i}].entryTemplate`, r.entryTemplate),
      ...templateValues(`spec.template.roles[${i}].workerTemplate`, r.workerTemplate),
    ]),
  ];
}

/**
 * Every value of an object the apiserver checks by a naming rule: its name (by its kind's rule),
 * label keys and values, annotation keys, selectors, pod templates (labels, node selector, hostname,
 * container names) and ConfigMap keys. Pure; `brokenValues` keeps those that break their rule.
 */
export function objectValues(obj: KubeObject): CheckedValue[] {
  const o = obj as KubeObject & Shapes;
  const kind = obj.kind ?? "object";
  const dataKeys = obj.apiVersion === "v1" && obj.kind === "ConfigMap" ? [o.data, o.binaryData] : [];
  return [
    { field: `${kind} metadata.name`, value: obj.metadata?.name ?? "", rule: nameRuleOf(obj) },
    ...labelValues("metadata.labels", obj.metadata?.labels),
    ...annotationKeys("metadata.annotations", obj.metadata?.annotations),
    ...specValues(o),
    ...dataKeys.flatMap((map) =>
      Object.keys(map ?? {}).map((key) => ({ field: `data[${key}]`, value: key, rule: CONFIG_MAP_KEY_RULE })),
    ),
  ];
}

/** `Service ml/x: metadata.name "1x" is not a DNS-1035 label: <the apiserver's words>`: one line per broken value. */
export function brokenValueText(obj: KubeObject, broken: BrokenValue): string {
  const where = `${obj.kind ?? "object"} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ""}${obj.metadata?.name ?? ""}`;
  return `${where}: ${broken.field} ${JSON.stringify(broken.value)} is not a ${broken.rule.name}: ${broken.errors.join(" and ")}`;
}
