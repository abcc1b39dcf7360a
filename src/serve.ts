import type { Server } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { Express } from "express";
import { CertificateReloader } from "../certs/reloader.js";
import { DEFAULT_CERT_POLICY, ensureCertificates, type CertPolicy } from "../certs/ensure.js";
import { servingHosts } from "../certs/generate.js";
import { notAfter } from "../certs/inspect.js";
import type { ClusterView } from "./cluster-view/cluster-view.js";
import { FileClusterView } from "./cluster-view/file-view.js";
import { InformerClusterView, loadKubeConfig } from "./cluster-view/informer-view.js";
import type { KubeConfig } from "@kubernetes/client-node";
import type { Binder } from "../scheduler-extender/binder.js";
import { ApiBinder } from "./kube/api-binder.js";
import type { ServeConfig } from "./config.js";
import { createLogger, type Logger } from "./logging.js";
import { createMetrics, type Metrics } from "./metrics.js";
import { createHealthApp } from "./server/health-app.js";
import { closeGracefully, createPlainServer, createWebhookServer, listen } from "./server/listen.js";
import { createWebhookApp } from "./server/webhook-app.js";
import { mountExtender } from "./server/extender-app.js";

export interface RunningServer {
  webhookPort: number;
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
  extraRoutes?: (app: Express) => void;
}

function certPolicy(config: ServeConfig): CertPolicy {
  return { ...DEFAULT_CERT_POLICY, hosts: servingHosts(config.serviceName, config.namespace) };
}

function createView(config: ServeConfig, log: Logger, kubeconfig: KubeConfig | undefined): ClusterView {
  if (!kubeconfig) return new FileClusterView(config.manifests ?? "", log);
  return new InformerClusterView(log, kubeconfig);
}

/** Starts the webhook (HTTPS) and health (HTTP) servers; the cluster view syncs in the background. */
export async function startServer(config: ServeConfig, extras: ServeExtras = {}): Promise<RunningServer> {
  const log = extras.log ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const kubeconfig = config.manifests === undefined ? loadKubeConfig(config.kubeconfig) : undefined;
  const view = extras.view ?? createView(config, log, kubeconfig);
  const binder = extras.binder ?? (config.extenderBind && kubeconfig ? new ApiBinder(kubeconfig) : undefined);
  const policy = certPolicy(config);
  const initial = await ensureCertificates(config.certDir, policy);
  if (initial.written.length > 0) log.info("certificates written", { dir: config.certDir, files: initial.written });
  if (initial.warning) log.warn("serving certificate needs renewal", { warning: initial.warning });

  let draining = false;
  let viewError: string | undefined;
  const ctx = { view, policy: { excludedNamespaces: new Set(["kube-system", config.namespace]) }, schedulerName: config.schedulerName };
  const webhookApp = createWebhookApp({
    ctx, metrics, log, isDraining: () => draining,
    extraRoutes: (app) => {
      mountExtender(app, { view, metrics, log, binder });
      extras.extraRoutes?.(app);
    },
  });
  const webhookServer: HttpsServer = createWebhookServer(webhookApp, initial.bundle);
  const recordExpiry = (pem: string): void => { metrics.certificateNotAfter.set((notAfter(pem)?.getTime() ?? 0) / 1000); };
  recordExpiry(initial.bundle.cert);

  const certificates = new CertificateReloader(initial.bundle, {
    dir: config.certDir,
    policy,
    intervalMs: config.certCheckIntervalMs,
    log,
    onChange: (bundle) => {
      webhookServer.setSecureContext({ cert: bundle.cert, key: bundle.key, minVersion: "TLSv1.2" });
      recordExpiry(bundle.cert);
      metrics.certificateReloads.inc({ result: "success" });
      log.info("serving certificate reloaded", { dir: config.certDir });
    },
    onError: (err) => {
      metrics.certificateReloads.inc({ result: "error" });
      log.warn("certificate check failed; keeping the current certificate", { dir: config.certDir, error: String(err) });
    },
  });

  const notReadyReason = (): string | undefined => {
    if (draining) return "shutting down";
    if (viewError) return `cluster view failed: ${viewError}`;
    return view.hasSynced() ? undefined : "cluster view not synced";
  };
  const healthServer: Server = createPlainServer(createHealthApp(metrics, { notReadyReason }));

  const webhookPort = await listen(webhookServer, config.port, config.host);
  const metricsPort = await listen(healthServer, config.metricsPort, config.host);
  certificates.start();
  view.start().catch((err: unknown) => {
    viewError = String(err);
    log.error("cluster view failed to start", { error: viewError });
  });
  log.info("serving", { webhookPort, metricsPort, mode: config.manifests ? "standalone" : "cluster", manifests: config.manifests, certDir: config.certDir });

  const stop = async (): Promise<void> => {
    draining = true;
    log.info("shutting down", { delayMs: config.shutdownDelayMs });
    if (config.shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
    certificates.stop();
    await closeGracefully(webhookServer, config.shutdownGraceMs);
    await closeGracefully(healthServer, 1000);
    await view.stop();
    log.info("stopped");
  };
  return { webhookPort, metricsPort, metrics, view, certificates, notReadyReason, stop };
}
