import type { Server as HttpsServer } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import type { Express, RequestHandler } from "express";
import type { ServingBundle } from "../../certs/ensure.js";
import { ApiEventRecorder } from "../../scheduler-extender/api-events.js";
import type { Binder } from "../../scheduler-extender/binder.js";
import type { ClusterView } from "../cluster-view/cluster-view.js";
import type { ServeConfig } from "../config.js";
import { ApiAccessReview } from "../kube/api-access-review.js";
import type { Logger } from "../logging.js";
import { countRefused, poolGauge, type Metrics, type RefusedScope } from "../metrics.js";
import { OptimizerPool } from "../optimizer/solve-off-thread.js";
import { AdmissionLane } from "./admission-lane.js";
import { bearerAuth } from "./bearer-auth.js";
import { mountExtender } from "./extender-app.js";
import { InFlightBudget } from "./in-flight.js";
import { closeGracefully, createTlsServer, listen, type ListenerBounds } from "./listen.js";
import { createOptimizerApp, type OptimizerHolder } from "./optimizer-app.js";
import { secureContextOptions } from "./tls-policy.js";
import { createWebhookApp } from "./webhook-app.js";

export interface FrontOptions {
  config: ServeConfig;
  log: Logger;
  metrics: Metrics;
  view: ClusterView;
  binder: Binder | undefined;
  /** In a cluster: the optimizer's paths need a bearer token and the extender's kube-scheduler's certificate. */
  kubeconfig: KubeConfig | undefined;
  bundle: ServingBundle;
  optimizer: OptimizerHolder;
  isDraining: () => boolean;
  extraRoutes?: (app: Express) => void;
}

/** The two HTTPS listeners — webhooks and extender; optimizer — with their bounds, pools and credentials. */
export interface Front {
  webhookServer: HttpsServer;
  optimizerServer: HttpsServer;
  pool: OptimizerPool;
  /** True in a cluster: who may call what is checked. */
  secured: boolean;
  setCertificates(bundle: ServingBundle): void;
  listen(): Promise<{ webhookPort: number; optimizerPort: number }>;
  close(graceMs: number): Promise<void>;
}

function refusedCounter(metrics: Metrics, scope: RefusedScope) {
  return (reason: "connections" | "client-connections"): void => {
    countRefused(metrics, scope, reason);
  };
}

function optimizerAuth(opts: FrontOptions): RequestHandler | undefined {
  if (!opts.kubeconfig) return undefined;
  return bearerAuth({
    reviewer: new ApiAccessReview(opts.kubeconfig),
    // Whoever may proxy to inferplane's Service through the apiserver may call it directly (kube-rbac-proxy's example).
    attributes: {
      namespace: opts.config.namespace,
      group: "",
      resource: "services",
      subresource: "proxy",
      name: opts.config.serviceName,
    },
    log: opts.log,
    onRefused: (fault) => {
      countRefused(opts.metrics, "optimizer", fault === "busy" ? "in-flight" : fault);
    },
  });
}

export function createFront(opts: FrontOptions): Front {
  const { config, metrics, log } = opts;
  const b = config.bounds;
  const secured = opts.kubeconfig !== undefined;
  const excluded = new Set(["kube-system", config.namespace]);
  const lane = new AdmissionLane({
    view: opts.view,
    excludedNamespaces: excluded,
    schedulerName: config.schedulerName,
    queue: 8,
    // A 2.7 MiB pod of env vars, or 1 MiB of containers with a 2.6 MB patch, fits in 32 MiB.
    heapMib: Math.max(48, Math.floor(b.memoryBudgetMib / 8)),
    timeoutMs: 4000,
    observe: poolGauge(metrics, "admission"),
  });
  const pool = new OptimizerPool({
    workers: b.optimizerWorkers,
    queue: b.optimizerQueue,
    limits: {
      maxServers: b.optimizerMaxServers,
      maxCandidates: b.optimizerMaxCandidates,
      timeLimitSeconds: b.optimizerTimeLimitSeconds,
    },
    memoryBudgetMib: b.memoryBudgetMib,
    observe: poolGauge(metrics, "optimizer"),
  });
  const webhookApp = createWebhookApp({
    ctx: { view: opts.view, policy: { excludedNamespaces: excluded }, schedulerName: config.schedulerName },
    metrics,
    log,
    isDraining: opts.isDraining,
    budget: new InFlightBudget(b.maxRequestsInFlight, b.maxBodyBytesInFlight),
    lane: { lane, workerBytes: b.admissionWorkerBytes },
    extraRoutes: (app) => {
      mountExtender(app, {
        view: opts.view,
        metrics,
        log,
        binder: opts.binder,
        budget: new InFlightBudget(b.maxRequestsInFlight, b.maxBodyBytesInFlight),
        schedulerName: secured ? config.extenderClientName : undefined,
        events: opts.kubeconfig && new ApiEventRecorder(opts.kubeconfig, log),
      });
      opts.extraRoutes?.(app);
    },
  });
  const optimizerApp = createOptimizerApp({
    pool,
    holder: opts.optimizer,
    log,
    maxBodyBytes: b.optimizerMaxBodyBytes,
    auth: optimizerAuth(opts),
  });
  const bounds: ListenerBounds = config.bounds;
  const clientCa = (bundle: ServingBundle): string | undefined => (secured ? bundle.caCert : undefined);
  const webhookServer = createTlsServer(
    webhookApp,
    { ...opts.bundle, clientCa: clientCa(opts.bundle) },
    bounds,
    refusedCounter(metrics, "webhook-listener"),
  );
  const optimizerServer = createTlsServer(
    optimizerApp,
    opts.bundle,
    bounds,
    refusedCounter(metrics, "optimizer-listener"),
  );
  const fallback = (reason: string): void => {
    log.warn("IPv4 only", { reason });
  };
  return {
    webhookServer,
    optimizerServer,
    pool,
    secured,
    setCertificates: (bundle) => {
      webhookServer.setSecureContext(secureContextOptions({ ...bundle, clientCa: clientCa(bundle) }));
      optimizerServer.setSecureContext(secureContextOptions(bundle));
    },
    listen: async () => ({
      webhookPort: await listen(webhookServer, config.port, config.host, fallback),
      optimizerPort: await listen(optimizerServer, config.optimizerPort, config.host, fallback),
    }),
    close: async (graceMs) => {
      await Promise.all([closeGracefully(webhookServer, graceMs), closeGracefully(optimizerServer, graceMs)]);
      await Promise.all([lane.close(), pool.close()]);
    },
  };
}
