// The real server plus a no-op AdmissionReview handler on the same TLS listener: the baseline
// that costs TLS, HTTP and JSON but no admission logic. Started as a child by admission.ts.
import express from "express";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveConfig } from "../src/config.js";
import { silentLogger } from "../src/logging.js";
import { startServer } from "../src/serve.js";

const certDir = mkdtempSync(join(tmpdir(), "inferplane-bench-"));
const server = await startServer(
  serveConfig(
    { host: "127.0.0.1", port: "0", "metrics-port": "0", "optimizer-port": "0", standalone: true, "cert-dir": certDir },
    {},
  ),
  {
    log: silentLogger,
    extraRoutes: (app) => {
      app.post("/noop", express.json({ limit: "3mb" }), (req, res) => {
        const uid = (req.body as { request?: { uid?: string } }).request?.uid ?? "";
        res.json({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid, allowed: true } });
      });
    },
  },
);
process.stdout.write(`${JSON.stringify({ port: server.webhookPort, certDir })}\n`);
process.on("SIGTERM", () => {
  void server.stop().then(() => process.exit(0));
});
