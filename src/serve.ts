import type { Server } from "node:http";
import type { Express } from "express";
import { CertificateReloader } from "../certs/reloader.js";
import {
  DEFAULT_CERT_POLICY,
  ensureCertificates,
  type CertPolicy,
  type EnsureResult,
  type ServingBundle,
} from "../certs/ensure.js";
import { servingHosts } from "../certs/generate.js";
import { notAfter } from "../certs/inspect.js";
import type { ClusterView } from "./cluster-view/cluster-view.js";
import { FileClusterView } from "./cluster-view/file-view.js";
import { InformerClusterView, loadKubeConfig } from "./cluster-view/informer-view.js";
import type { KubeConfig } from "@kubernetes/client-node";
import type { Binder } from "../scheduler-extender/binder.js";
import { ApiBinder } from "../scheduler-extender/api-binder.js";
import { reconcilers } from "./controllers/registry.js";
import { ControllerManager } from "./controllers/runtime/manager.js";
import { routingEdges } from "./controllers/routing-edges.js";
import type { ServeConfig } from "./config.js";
import { createLogger, type Logger } from "./logging.js";
import { createMetrics, type Metrics } from "./metrics.js";
import { createHealthApp } from "./server/health-app.js";
import { closeGracefully, createPlainServer, listen } from "./server/listen.js";
import { createFront, type Front } from "./server/front.js";
import type { OptimizerHolder } from "./server/optimizer-app.js";
import { OptimizerLoop } from "./optimizer/loop/loop.js";
import type { OptimizerPool } from "./optimizer/solve-off-thread.js";
import { countRefused } from "./metrics.js";
import { ApiOptimizerCluster } from "./optimizer/loop/api.js";

export interface RunningServer {
  webhookPort: number;
  /** HTTPS: /optimizer/solve and /invoke. */
  optimizerPort: number;
  metricsPort: number;
  metrics: Metrics;
  view: ClusterView;
  certificates: CertificateReloader;
  notReadyReason(): string | undefined;
  /** Graceful stop: readiness drops, listeners close, requests in flight finish. */
  stop(): Promise<void>;
}

export interface ServeExtras {
  log?: Logger;
  view?: ClusterView;
  binder?: Binder;
  /** The cluster to run the controller against (tests pass the API double's). */
  kubeconfig?: KubeConfig;
  extraRoutes?: (app: Express) => void;
}

function certPolicy(config: ServeConfig): CertPolicy {
  const standalone = config.manifests !== undefined;
  return { ...DEFAULT_CERT_POLICY, hosts: servingHosts(config.serviceName, config.namespace, standalone) };
}

function createView(config: ServeConfig, log: Logger, kubeconfig: KubeConfig | undefined): ClusterView {
  if (!kubeconfig) return new FileClusterView(config.manifests ?? "", log);
  return new InformerClusterView(log, kubeconfig);
}

/** Where the objects come from (files, or informers on a cluster), and the optional binder. */
function clusterParts(
  config: ServeConfig,
  extras: ServeExtras,
  log: Logger,
): { kubeconfig: KubeConfig | undefined; view: ClusterView; binder: Binder | undefined } {
  const kubeconfig =
    extras.kubeconfig ?? (config.manifests === undefined ? loadKubeConfig(config.kubeconfig) : undefined);
  const view = extras.view ?? createView(config, log, kubeconfig);
  const binder = extras.binder ?? (config.extenderBind && kubeconfig ? new ApiBinder(kubeconfig) : undefined);
  return { kubeconfig, view, binder };
}

async function initialCertificates(config: ServeConfig, policy: CertPolicy, log: Logger): Promise<EnsureResult> {
  const initial = await ensureCertificates(config.certDir, policy);
  if (initial.written.length > 0)
    log.info("certificates written", { dir: config.certDir, files: initial.written, reason: initial.reason });
  if (initial.warning) log.warn("serving certificate needs renewal", { warning: initial.warning });
  return initial;
}

/** Reloads the serving certificate into the HTTPS servers when the files change or need renewal. */
function createReloader(
  config: ServeConfig,
  policy: CertPolicy,
  bundle: ServingBundle,
  front: Front,
  metrics: Metrics,
  log: Logger,
): CertificateReloader {
  return new CertificateReloader(bundle, {
    dir: config.certDir,
    policy,
    intervalMs: config.certCheckIntervalMs,
    log,
    onChange: (next) => {
      front.setCertificates(next);
      metrics.certificateNotAfter.set((notAfter(next.cert)?.getTime() ?? 0) / 1000);
      metrics.certificateReloads.inc({ result: "success" });
      log.info("serving certificate reloaded", { dir: config.certDir });
    },
    onError: (err) => {
      metrics.certificateReloads.inc({ result: "error" });
      log.warn("certificate check failed; keeping the current certificate", {
        dir: config.certDir,
        error: String(err),
      });
    },
  });
}

/**
 * The controllers (and the optimizer's control loop) behind one Lease: every replica serves
 * admission, only the Lease holder reconciles, once its cluster view has synced.
 */
function startControllers(
  config: ServeConfig,
  kubeconfig: KubeConfig,
  view: ClusterView,
  log: Logger,
  optimizer: OptimizerHolder,
  pool: OptimizerPool,
): { stop(): Promise<void> } {
  const loop =
    config.optimizerIntervalMs > 0 ? optimizerLoop(config, kubeconfig, log, optimizer.metrics, pool) : undefined;
  const manager = new ControllerManager({
    kubeconfig,
    view,
    log,
    leaseNamespace: config.namespace,
    leaseName: "inferplane-controller",
    identity: config.identity,
    reconcilers: reconcilers(config.controllers),
    leaderTasks: [...(loop ? [loop] : []), ...routingEdges(view, kubeconfig, log, config.prometheusUrl)],
    observer: {
      observe: (controller, result, seconds) => {
        optimizer.metrics.reconciles.inc({ controller, result });
        optimizer.metrics.reconcileDuration.observe({ controller }, seconds);
      },
    },
    onLeading: (leading) => {
      optimizer.loop = leading ? loop : undefined;
    },
  });
  manager.start();
  return { stop: () => manager.stop() };
}

function optimizerLoop(
  config: ServeConfig,
  kubeconfig: KubeConfig,
  log: Logger,
  metrics: Metrics,
  pool: OptimizerPool,
): OptimizerLoop {
  return new OptimizerLoop({
    cluster: new ApiOptimizerCluster(kubeconfig),
    namespace: config.namespace,
    configMap: config.optimizerConfigMap,
    statusConfigMap: `${config.optimizerConfigMap}-status`,
    prometheusUrl: config.prometheusUrl,
    window: "1m",
    intervalMs: config.optimizerIntervalMs,
    log: log.child({ component: "optimizer" }),
    metrics,
    solve: (system) => pool.solveSystem(system),
  });
}

/** Starts the webhook (HTTPS) and health (HTTP) servers; the cluster view syncs in the background. */
export async function startServer(config: ServeConfig, extras: ServeExtras = {}): Promise<RunningServer> {
  const log = extras.log ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const { kubeconfig, view, binder } = clusterParts(config, extras, log);
  const policy = certPolicy(config);
  const initial = await initialCertificates(config, policy, log);

  let draining = false;
  let viewError: string | undefined;
  const optimizer: OptimizerHolder = { loop: undefined, metrics };
  const front = createFront({
    config,
    log,
    metrics,
    view,
    binder,
    kubeconfig,
    bundle: initial.bundle,
    optimizer,
    isDraining: () => draining,
    extraRoutes: extras.extraRoutes,
  });
  metrics.certificateNotAfter.set((notAfter(initial.bundle.cert)?.getTime() ?? 0) / 1000);

  const certificates = createReloader(config, policy, initial.bundle, front, metrics, log);

  const notReadyReason = (): string | undefined => {
    if (draining) return "shutting down";
    if (viewError) return `cluster view failed: ${viewError}`;
    return view.hasSynced() ? undefined : "cluster view not synced";
  };
  const healthServer: Server = createPlainServer(
    createHealthApp(metrics, { notReadyReason }),
    config.bounds,
    (reason) => {
      countRefused(metrics, "health-listener", reason);
    },
  );

  const controller =
    kubeconfig && config.controller
      ? startControllers(config, kubeconfig, view, log, optimizer, front.pool)
      : undefined;
  // The process must be able to exit with a listen error: release what is already running.
  const release = async (err: unknown): Promise<never> => {
    await front.close(0);
    await controller?.stop();
    throw err;
  };
  const { webhookPort, optimizerPort } = await front.listen().catch(release);
  const metricsPort = await listen(healthServer, config.metricsPort, config.host).catch(release);
  certificates.start();
  view.start().catch((err: unknown) => {
    viewError = String(err);
    log.error("cluster view failed to start", { error: viewError });
  });
  log.info("serving", {
    webhookPort,
    optimizerPort,
    metricsPort,
    host: config.host,
    mode: config.manifests ? "standalone" : "cluster",
    manifests: config.manifests,
    certDir: config.certDir,
  });
  if (!front.secured)
    log.warn("no cluster: /optimizer/solve, /invoke and /scheduler/* are served without authentication", {
      optimizerPort,
      webhookPort,
    });

  const stop = async (): Promise<void> => {
    draining = true;
    log.info("shutting down", { delayMs: config.shutdownDelayMs });
    if (config.shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
    certificates.stop();
    await controller?.stop();
    await front.close(config.shutdownGraceMs);
    await closeGracefully(healthServer, 1000);
    await view.stop();
    log.info("stopped");
  };
  return { webhookPort, optimizerPort, metricsPort, metrics, view, certificates, notReadyReason, stop };
}
