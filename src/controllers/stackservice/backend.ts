import type { Pod, Service, ServicePort } from "kubernetes-types/core/v1.js";
import type { StackInferenceService } from "../../apis/production-stack.js";
import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import { POD, SERVICE } from "../../kube/core-kinds.js";
import { serviceHost } from "../../vllm-router/url.js";
import { isRunningAndReady } from "../modelinfer/health.js";

/** backendRef as the seeds write it: a Service name (seed 001) or {name, port} (seed 003). */
export function backendRefOf(svc: StackInferenceService): { name: string; port?: number } | undefined {
  const ref = svc.spec.backendRef;
  if (typeof ref === "string" && ref !== "") return { name: ref };
  if (typeof ref === "object" && ref !== null && typeof (ref as { name?: unknown }).name === "string") {
    const { name, port } = ref as { name: string; port?: unknown };
    return typeof port === "number" ? { name, port } : { name };
  }
  return undefined;
}

/** An InferenceService's backend as the cluster has it. */
export interface ResolvedBackend {
  /** The Service backendRef names. */
  serviceName?: string;
  service?: Service;
  /** The Service port requests go to. */
  port?: number;
  /** http://<svc>.<ns>.svc.cluster.local:<port>, a URL the vLLM router accepts. */
  url?: string;
  /** The pods' port behind `port` (the Service port's targetPort, a named one looked up in a ready pod). */
  targetPort?: number;
  /** The pods the Service selects that are Ready and not terminating. */
  readyPods: Pod[];
  /** Why the backend is not usable, and what to do; undefined when it is. */
  problem?: string;
}

function matches(selector: Record<string, string>, pod: Pod): boolean {
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The pods a Service's selector picks that are Ready (what its endpoints would list). */
export function readyPodsOf(service: Service, view: ClusterReader): Pod[] {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  return view.list(POD, service.metadata?.namespace ?? "").filter((p) => matches(selector, p) && isRunningAndReady(p));
}

function targetPortOf(port: ServicePort, pods: readonly Pod[]): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === "number") return target;
  for (const pod of pods)
    for (const c of pod.spec?.containers ?? []) {
      const found = c.ports?.find((p) => p.name === target);
      if (found) return found.containerPort;
    }
  return undefined;
}

function servicePort(service: Service, port: number | undefined): ServicePort | undefined {
  const ports = service.spec?.ports ?? [];
  return port === undefined ? ports[0] : ports.find((p) => p.port === port);
}

/**
 * Resolves an InferenceService's backendRef to its Service (same namespace), the Service port
 * (backendRef.port, else the Service's first port), the URL the router is given, the pods' target
 * port and the Ready pods. A missing or unusable piece is a `problem` with the fix, never a throw.
 */
export function resolveBackend(svc: StackInferenceService, view: ClusterReader): ResolvedBackend {
  const ns = svc.metadata.namespace ?? "";
  const ref = backendRefOf(svc);
  if (!ref) return { readyPods: [], problem: "spec.backendRef is not set: name the Service of the model server" };
  const service = view.get(SERVICE, ns, ref.name);
  if (!service)
    return { serviceName: ref.name, readyPods: [], problem: `Service ${ns}/${ref.name} (backendRef) does not exist` };
  const port = servicePort(service, ref.port);
  if (!port)
    return {
      serviceName: ref.name,
      service,
      readyPods: [],
      problem: `Service ${ns}/${ref.name} has no port ${ref.port ?? ""}: give backendRef.port one of its ports`,
    };
  const readyPods = readyPodsOf(service, view);
  const resolved: ResolvedBackend = {
    serviceName: ref.name,
    service,
    port: port.port,
    url: `http://${serviceHost(ref.name, ns)}:${port.port}`,
    readyPods,
  };
  const target = targetPortOf(port, readyPods);
  if (target !== undefined) resolved.targetPort = target;
  if (!service.spec?.selector) resolved.problem = `Service ${ns}/${ref.name} has no selector: its pods are unknown`;
  else if (readyPods.length === 0) resolved.problem = `no Ready pod behind Service ${ns}/${ref.name}`;
  return resolved;
}
