import express, { type Express } from "express";
import type { Metrics } from "../metrics.js";

export interface Readiness {
  /** Undefined when ready; otherwise what is still missing. */
  notReadyReason(): string | undefined;
}

/** Plain HTTP: /metrics for Prometheus, /healthz (process alive), /readyz (fit to serve admission). */
export function createHealthApp(metrics: Metrics, readiness: Readiness): Express {
  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", (_req, res) => {
    res.type("text/plain").send("ok\n");
  });
  app.get("/readyz", (_req, res) => {
    const reason = readiness.notReadyReason();
    if (reason) res.status(503).type("text/plain").send(`not ready: ${reason}\n`);
    else res.type("text/plain").send("ok\n");
  });
  app.get("/metrics", (_req, res, next) => {
    metrics.registry.metrics().then((text) => {
      res.type(metrics.registry.contentType).send(text);
    }, next);
  });
  return app;
}
