import type { StaticRoute } from "../apis/production-stack.js";
import type { CheckedValue } from "../kube/object-values.js";
import { shortened } from "../kube/short-name.js";
import { DNS1123_SUBDOMAIN_RULE, LABEL_VALUE_RULE } from "../kube/validation.js";

/** The label naming the StaticRoute a ConfigMap is written for. */
export const LABEL_STATIC_ROUTE = "production-stack.vllm.ai/static-route";

/**
 * The ConfigMap the route writes: spec.configMapName as given, default `<name>-config` (seed 003),
 * shortened with a hash past a name's 253 characters.
 */
export function configMapName(route: StaticRoute): string {
  return route.spec.configMapName ?? shortened(`${route.metadata.name ?? ""}-config`, 253);
}

/** The value of LABEL_STATIC_ROUTE: the route's name, shortened with a hash past a label value's 63 characters. */
export function staticRouteLabel(route: StaticRoute): string {
  return shortened(route.metadata.name ?? "", 63);
}

/** Every name and label value a StaticRoute's ConfigMap carries, with the rule where it lands. */
export function staticRouteEmittedNames(route: StaticRoute): CheckedValue[] {
  return [
    { field: "ConfigMap metadata.name", value: configMapName(route), rule: DNS1123_SUBDOMAIN_RULE },
    { field: `metadata.labels[${LABEL_STATIC_ROUTE}]`, value: staticRouteLabel(route), rule: LABEL_VALUE_RULE },
  ];
}
