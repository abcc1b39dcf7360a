import { AppsV1Api, KubernetesObjectApi, PatchStrategy, type KubeConfig } from "@kubernetes/client-node";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import { StaticRouteKind, type StaticRoute } from "../../apis/production-stack.js";
import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import { CONFIG_MAP, SERVICE } from "../../kube/core-kinds.js";
import type { Logger } from "../../logging.js";
import {
  ANNOTATION_ROUTING_RESTART,
  restartHash,
  restartKey,
  type DynamicRouterConfig,
} from "../../vllm-router/dynamic-config.js";
import { STATIC_CONFIG_KEY } from "../../vllm-router/router.js";
import type { LeaderTask } from "../runtime/manager.js";
import { configMapName, fullConfig, routeKey } from "./targets.js";

/** What the roller reads and writes of router Deployments. */
export interface RouterDeployments {
  list(namespace: string): Promise<Deployment[]>;
  /** Sets one pod template annotation (a merge patch: nothing else changes). */
  annotateTemplate(namespace: string, name: string, key: string, value: string): Promise<void>;
}

function selects(selector: Record<string, string>, d: Deployment): boolean {
  const labels = d.spec?.template.metadata?.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The router's running-file config is the route's: its live ConfigMap holds the same logic and session key. */
function fileHolds(route: StaticRoute, view: ClusterReader, config: DynamicRouterConfig): boolean {
  const live = view
    .ownedOfKind(route.metadata.uid ?? "", CONFIG_MAP)
    .find((c) => c.metadata?.name === configMapName(route));
  const text = live?.data?.[STATIC_CONFIG_KEY];
  return text !== undefined && restartKey(JSON.parse(text) as DynamicRouterConfig) === restartKey(config);
}

function sameNamespace(route: StaticRoute): boolean {
  const ns = route.spec.routerRef?.namespace;
  return route.spec.routerRef !== undefined && (!ns || ns === route.metadata.namespace);
}

/** The Deployment routerRef names, or the one whose pods its Service selects. */
function routerDeployment(
  route: StaticRoute,
  view: ClusterReader,
  deployments: readonly Deployment[],
): Deployment | undefined {
  const ref = route.spec.routerRef;
  if (!ref) return undefined;
  if (ref.kind === "Deployment") return deployments.find((d) => d.metadata?.name === ref.name);
  const selector = view.get(SERVICE, route.metadata.namespace ?? "", ref.name)?.spec?.selector;
  return selector ? deployments.find((d) => selects(selector, d)) : undefined;
}

/**
 * The router Deployment to roll for a StaticRoute, and the annotation value it should carry: only
 * when routerRef names one in the route's namespace, the route's config is valid and already in
 * the live ConfigMap (a restarted router reads that file), and the Deployment's annotation differs
 * (absent counts: the first configuration rolls it once). Pure.
 */
export function rollTarget(
  route: StaticRoute,
  view: ClusterReader,
  deployments: readonly Deployment[],
): { name: string; value: string } | undefined {
  const config = fullConfig(route, view).config;
  if (!config || !sameNamespace(route) || !fileHolds(route, view, config)) return undefined;
  const target = routerDeployment(route, view, deployments);
  const value = restartHash(config);
  const name = target?.metadata?.name;
  if (!name || target.spec?.template.metadata?.annotations?.[ANNOTATION_ROUTING_RESTART] === value) return undefined;
  return { name, value };
}

export interface RollerOptions {
  view: ClusterReader;
  client: RouterDeployments;
  log: Logger;
  /** Default 10 s (the router re-reads its file every 10 s). */
  intervalMs?: number;
}

/** The edge that rolls StaticRoutes' routers when their routing logic or session key changed, in the leader. */
export class RouterRoller implements LeaderTask {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> = Promise.resolve();

  constructor(private readonly options: RollerOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      this.pass = this.pass.then(() => this.rollAll());
    }, this.options.intervalMs ?? 10_000);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.pass;
  }

  /** One pass: each route's router checked, and rolled when it needs it. Errors are logged, never thrown. */
  async rollAll(): Promise<void> {
    const { view, log } = this.options;
    const routes = view.list(StaticRouteKind).filter((r) => r.spec.routerRef);
    const byNamespace = new Map<string, StaticRoute[]>();
    for (const r of routes)
      byNamespace.set(r.metadata.namespace ?? "", [...(byNamespace.get(r.metadata.namespace ?? "") ?? []), r]);
    for (const [ns, nsRoutes] of byNamespace) {
      try {
        await this.rollNamespace(ns, nsRoutes);
      } catch (err) {
        log.warn("could not roll a router", { namespace: ns, error: String(err) });
      }
    }
  }

  private async rollNamespace(ns: string, routes: readonly StaticRoute[]): Promise<void> {
    const { view, client, log } = this.options;
    const deployments = await client.list(ns);
    for (const route of routes) {
      const roll = rollTarget(route, view, deployments);
      if (!roll) continue;
      await client.annotateTemplate(ns, roll.name, ANNOTATION_ROUTING_RESTART, roll.value);
      log.info("rolled the router: routing logic or session key changed", {
        route: routeKey(route),
        deployment: roll.name,
      });
    }
  }
}

/** RouterDeployments through client-node. */
export class ApiRouterRoller implements RouterDeployments {
  private readonly apps: AppsV1Api;
  private readonly objects: KubernetesObjectApi;

  constructor(kubeconfig: KubeConfig) {
    this.apps = kubeconfig.makeApiClient(AppsV1Api);
    this.objects = KubernetesObjectApi.makeApiClient(kubeconfig);
  }

  async list(namespace: string): Promise<Deployment[]> {
    return (await this.apps.listNamespacedDeployment({ namespace })).items as unknown as Deployment[];
  }

  async annotateTemplate(namespace: string, name: string, key: string, value: string): Promise<void> {
    const patch = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace },
      spec: { template: { metadata: { annotations: { [key]: value } } } },
    };
    await this.objects.patch(patch, undefined, undefined, "inferplane", undefined, PatchStrategy.MergePatch);
  }
}
