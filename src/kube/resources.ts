import type { Container, Node, Pod, ResourceRequirements } from "kubernetes-types/core/v1.js";
import { parseQuantity } from "./quantity.js";

/** Resource name → milli-units. `pods` counts pod slots. */
export type Resources = Record<string, number>;

export const POD_SLOTS = "pods";

function requestsOf(resources: ResourceRequirements | undefined): Resources {
  const out: Resources = {};
  // The apiserver defaults requests to limits; files written by hand may carry only limits.
  for (const [name, q] of Object.entries({ ...(resources?.limits ?? {}), ...(resources?.requests ?? {}) })) {
    out[name] = parseQuantity(q);
  }
  return out;
}

export function add(a: Resources, b: Resources): Resources {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

export function subtract(a: Resources, b: Resources): Resources {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) - v;
  return out;
}

function max(a: Resources, b: Resources): Resources {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = Math.max(out[k] ?? 0, v);
  return out;
}

function sum(containers: readonly Container[]): Resources {
  return containers.reduce<Resources>((acc, c) => add(acc, requestsOf(c.resources)), {});
}

/**
 * What a pod asks of a node, as the scheduler computes it: the containers plus native
 * sidecars, or the largest regular init container if that is more, plus overhead, plus a slot.
 */
export function podRequests(pod: Pod): Resources {
  const spec = pod.spec;
  if (!spec) return { [POD_SLOTS]: 1000 };
  const inits = spec.initContainers ?? [];
  const sidecars = inits.filter((c) => c.restartPolicy === "Always");
  const running = add(sum(spec.containers), sum(sidecars));
  const peakInit = inits
    .filter((c) => c.restartPolicy !== "Always")
    .reduce<Resources>((acc, c) => max(acc, add(requestsOf(c.resources), sum(sidecars))), {});
  const overhead = Object.fromEntries(
    Object.entries(spec.overhead ?? {}).map(([k, q]) => [k, parseQuantity(q as string | number)]),
  );
  return add(add(max(running, peakInit), overhead), { [POD_SLOTS]: 1000 });
}

export function nodeAllocatable(node: Node): Resources {
  const source = node.status?.allocatable ?? node.status?.capacity ?? {};
  return Object.fromEntries(Object.entries(source).map(([k, q]) => [k, parseQuantity(q as string | number)]));
}

/** True when every requested resource fits in `free` (a resource the node lacks has 0 free). */
export function fits(request: Resources, free: Resources): boolean {
  // A plain loop: this runs for every (member, node) pair the planner tries.
  for (const k in request) {
    const v = request[k] ?? 0;
    if (v > 0 && (free[k] ?? 0) < v) return false;
  }
  return true;
}
