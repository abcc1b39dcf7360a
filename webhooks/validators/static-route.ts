import type { StaticRoute } from "../../src/apis/production-stack.js";
import { brokenValues } from "../../src/kube/object-values.js";
import { staticRouteEmittedNames } from "../../src/routing/static-route-names.js";
import type { FieldError } from "../field-errors.js";
import { brokenNameDetail, nameRuleFix } from "./names.js";

/**
 * The names a StaticRoute's ConfigMap would carry that the apiserver refuses — spec.configMapName
 * (`NaN`, `""`, `ÜñÎ`) is not a DNS-1123 subdomain — at the field that makes them. Admission refuses
 * them; the StaticRoute controller holds the ConfigMap it wrote, with ConfigApplied False,
 * reason InvalidSpec. The route's own name is shortened where it lands, so it is always valid.
 */
export function staticRouteNameErrors(route: StaticRoute): FieldError[] {
  return brokenValues(staticRouteEmittedNames(route)).map((broken) => {
    const path = route.spec.configMapName === undefined ? "metadata.name" : "spec.configMapName";
    const value = route.spec.configMapName ?? route.metadata.name ?? "";
    return { path, detail: brokenNameDetail(broken), fix: nameRuleFix(path, value, broken) };
  });
}
