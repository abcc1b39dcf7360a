import { createHash } from "node:crypto";

/** `<prefix>-<suffix>` kept within `max` characters (DNS-1035 labels: 63): a longer one is cut, and a hash keeps it unique. */
export function childName(prefix: string, suffix: string, max = 63): string {
  const name = `${prefix}-${suffix}`;
  if (name.length <= max) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, max - 9).replace(/-+$/, "")}-${hash}`;
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
