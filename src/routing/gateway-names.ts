import { createHash } from "node:crypto";
import { shortened } from "../kube/short-name.js";

/**
 * `<prefix>-<suffix>` as a DNS-1035 label of at most `max` characters (Services are named so): kept
 * as is when it has only lower-case letters, digits and `-` and fits; else the other characters
 * become `-` and it is cut, with a hash of the original so it stays unique. The prefix (the
 * gateway's name) must start with a letter: admission refuses one that does not (gatewayEmittedNames).
 */
export function childName(prefix: string, suffix: string, max = 63): string {
  const name = `${prefix}-${suffix}`;
  if (name.length <= max && /^[a-z0-9-]*$/.test(name)) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  const clean = name.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  return `${clean.slice(0, max - 9).replace(/-+$/, "")}-${hash}`;
}

/** The router's Deployment, Service, ConfigMap and (k8s discovery) ServiceAccount/Role/RoleBinding. */
export function routerName(gateway: string): string {
  return childName(gateway, "router");
}

/** An InferencePool per routed InferenceService, `<gateway>-<service>` (its Endpoint Picker `<pool>-epp`). */
export function poolName(gateway: string, service: string): string {
  return childName(gateway, service, 59);
}

export function pickerName(pool: string): string {
  return `${pool}-epp`;
}

/** `app.kubernetes.io/instance` of every child: the gateway's name, shortened to a label value's 63 characters. */
export function instanceLabel(gateway: string): string {
  return shortened(gateway, 63);
}
