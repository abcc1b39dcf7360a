import {
  StackInferenceServiceKind,
  type InferenceGateway,
  type StackInferenceService,
} from "../../apis/production-stack.js";
import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import { resolveBackend, type ResolvedBackend } from "../stackservice/backend.js";

/** One route with what it names, as far as the cluster has it. */
export interface ResolvedRoute {
  model: string;
  serviceName: string;
  service?: StackInferenceService;
  backend?: ResolvedBackend;
  /** Why the route cannot carry traffic yet, with the fix. */
  problem?: string;
  /** Its InferenceService does not exist: the route is left out of the router's config. */
  missing?: boolean;
}

/** `llama3 → InferenceService ml/x does not exist …; …`: the routes left out for a missing service, or undefined. */
export function missingServices(routes: readonly ResolvedRoute[]): string | undefined {
  const missing = routes.filter((r) => r.missing);
  return missing.length > 0 ? missing.map((r) => `${r.model}: ${r.problem ?? ""}`).join("; ") : undefined;
}

/** Each route's InferenceService (same namespace) and its backend. Pure. */
export function resolveRoutes(gw: InferenceGateway, view: ClusterReader): ResolvedRoute[] {
  const ns = gw.metadata.namespace ?? "";
  return (gw.spec.routes ?? []).map((route) => {
    const service = view.get(StackInferenceServiceKind, ns, route.inferenceServiceRef);
    const base = { model: route.model, serviceName: route.inferenceServiceRef };
    if (!service)
      return {
        ...base,
        missing: true,
        problem: `InferenceService ${ns}/${route.inferenceServiceRef} does not exist (yet): the route is left out until it does`,
      };
    const backend = resolveBackend(service, view);
    return { ...base, service, backend, ...(backend.problem ? { problem: backend.problem } : {}) };
  });
}

/** Routes whose backend Service resolves to a URL (pods may still be starting): what the router is given. */
export function routable(
  routes: readonly ResolvedRoute[],
): (ResolvedRoute & { backend: ResolvedBackend & { url: string } })[] {
  return routes.filter(
    (r): r is ResolvedRoute & { backend: ResolvedBackend & { url: string } } => r.backend?.url !== undefined,
  );
}

/** The model the backend serves: the InferenceService's modelName (the route's model when unset). */
export function servedModel(route: ResolvedRoute): string {
  return route.service?.spec.modelName ?? route.model;
}
