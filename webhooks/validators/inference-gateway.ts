import type { InferenceGateway } from "../../src/apis/production-stack.js";
import { brokenValues, type CheckedValue } from "../../src/kube/object-values.js";
import { DNS1035_LABEL_RULE, DNS1123_SUBDOMAIN_RULE, LABEL_VALUE_RULE } from "../../src/kube/validation.js";
import { headerNameError } from "../../src/routing/http-header.js";
import { instanceLabel, pickerName, poolName, routerName } from "../../src/routing/gateway-names.js";
import type { FieldError } from "../field-errors.js";
import { brokenNameDetail, nameRuleFix } from "./names.js";

/**
 * Every name and label value an InferenceGateway's children carry, with the rule where each lands:
 * the router's objects (its Service a DNS-1035 label), the HTTPRoute, each route's InferencePool and
 * Endpoint Picker (a Service), and the instance label. Built by the functions the targets use.
 */
export function gatewayEmittedNames(gw: InferenceGateway): CheckedValue[] {
  const name = gw.metadata.name ?? "";
  const names: CheckedValue[] = [
    { field: "Service metadata.name (the router's)", value: routerName(name), rule: DNS1035_LABEL_RULE },
    { field: "metadata.labels[app.kubernetes.io/instance]", value: instanceLabel(name), rule: LABEL_VALUE_RULE },
    { field: "HTTPRoute metadata.name", value: name, rule: DNS1123_SUBDOMAIN_RULE },
  ];
  for (const route of gw.spec.routes ?? []) {
    const pool = poolName(name, route.inferenceServiceRef);
    names.push(
      { field: "InferencePool metadata.name", value: pool, rule: DNS1123_SUBDOMAIN_RULE },
      { field: "Service metadata.name (the Endpoint Picker's)", value: pickerName(pool), rule: DNS1035_LABEL_RULE },
      { field: "metadata.labels[inferplane.io/endpoint-picker]", value: pickerName(pool), rule: LABEL_VALUE_RULE },
    );
  }
  return names;
}

function nameErrors(gw: InferenceGateway): FieldError[] {
  const broken = brokenValues(gatewayEmittedNames(gw))[0];
  if (!broken) return [];
  const name = gw.metadata.name ?? "";
  return [{ path: "metadata.name", detail: brokenNameDetail(broken), fix: nameRuleFix("metadata.name", name, broken) }];
}

/** Two routes of one model: the router keeps one backend per model name, so the other service would get its traffic. */
function duplicateModels(gw: InferenceGateway): FieldError[] {
  const first = new Map<string, number>();
  return (gw.spec.routes ?? []).flatMap((route, i) => {
    const seen = first.get(route.model);
    if (seen === undefined) {
      first.set(route.model, i);
      return [];
    }
    const other = gw.spec.routes?.[seen]?.inferenceServiceRef ?? "";
    return [
      {
        path: `spec.routes[${i}].model`,
        detail: `"${route.model}" is routed by spec.routes[${seen}] too (to ${other}); the router would send it to one of them only`,
        fix: "give each model one route: serve it from one InferenceService, or name the models apart",
      },
    ];
  });
}

function targetErrors(gw: InferenceGateway): FieldError[] {
  if ((gw.spec.target ?? "router") !== "gateway-api" || gw.spec.gateway) return [];
  return [
    {
      path: "spec.gateway",
      detail: "required with target gateway-api",
      fix: "name the Gateway the HTTPRoute attaches to",
    },
  ];
}

/**
 * What no pass of the InferenceGateway controller can carry: a name its children cannot take, two
 * routes of one model, a session header no request can carry, target gateway-api without a Gateway.
 * Admission refuses these (webhooks/validators/routing.ts); the controller holds such a gateway's
 * children as they are, with condition Ready False, reason InvalidSpec. Pure.
 */
export function gatewaySpecErrors(gw: InferenceGateway): FieldError[] {
  return [
    ...nameErrors(gw),
    ...duplicateModels(gw),
    ...headerNameError("spec.sessionHeader", gw.spec.sessionHeader),
    ...targetErrors(gw),
  ];
}
