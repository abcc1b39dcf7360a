// The real server over a manifests directory given as argv[2], for the extender benchmark.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveConfig } from "../src/config.js";
import { silentLogger } from "../src/logging.js";
import { startServer } from "../src/serve.js";

const certDir = mkdtempSync(join(tmpdir(), "inferplane-bench-"));
const server = await startServer(
  serveConfig(
    {
      host: "127.0.0.1",
      port: "0",
      "metrics-port": "0",
      "optimizer-port": "0",
      manifests: process.argv[2] ?? "",
      "cert-dir": certDir,
    },
    {},
  ),
  { log: silentLogger },
);
while (!server.view.hasSynced()) await new Promise((resolve) => setTimeout(resolve, 50));
process.stdout.write(`${JSON.stringify({ port: server.webhookPort, certDir })}\n`);
process.on("SIGTERM", () => {
  void server.stop().then(() => process.exit(0));
});
