import type { Node, Pod, ResourceRequirements } from "kubernetes-types/core/v1.js";
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

/** Pod-level resources (PodLevelResources, beta in 1.34): these names replace the containers' sum. */
function isPodLevelResource(name: string): boolean {
  return name === "cpu" || name === "memory" || name.startsWith("hugepages-");
}

/** Containers and init containers as the scheduler sums them: init containers in order, sidecars from when they start. */
function containerRequests(spec: NonNullable<Pod["spec"]>): Resources {
  let running = spec.containers.reduce<Resources>((acc, c) => add(acc, requestsOf(c.resources)), {});
  let sidecars: Resources = {};
  let initPeak: Resources = {};
  for (const init of spec.initContainers ?? []) {
    const own = requestsOf(init.resources);
    if (init.restartPolicy === "Always") {
      running = add(running, own);
      sidecars = add(sidecars, own);
      initPeak = max(initPeak, sidecars);
    } else initPeak = max(initPeak, add(own, sidecars));
  }
  return max(running, initPeak);
}

/**
 * What a pod asks of a node, exactly as kube-scheduler computes it (k8s.io/component-helpers
 * resource.PodRequests; KEP-753 "Exposing Pod Resource Requirements"): the containers plus every
 * native sidecar (an init container with restartPolicy Always); each regular init container runs
 * beside only the sidecars started before it, and the pod needs the most of any of those moments;
 * pod-level requests (spec.resources, for cpu, memory and hugepages) replace the containers'
 * total for those names; then overhead (spec.overhead) is added, and one pod slot. A request
 * defaults to its limit, as the apiserver defaults it.
 */
export function podRequests(pod: Pod): Resources {
  const spec = pod.spec;
  if (!spec) return { [POD_SLOTS]: 1000 };
  const requests = containerRequests(spec);
  const podLevel = (spec as { resources?: ResourceRequirements }).resources;
  for (const [name, value] of Object.entries(requestsOf(podLevel)))
    if (isPodLevelResource(name)) requests[name] = value;
  const overhead = Object.fromEntries(
    Object.entries(spec.overhead ?? {}).map(([k, q]) => [k, parseQuantity(q as string | number)]),
  );
  return add(add(requests, overhead), { [POD_SLOTS]: 1000 });
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
