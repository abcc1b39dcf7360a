import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveConfig } from "../../src/config.js";
import { silentLogger } from "../../src/logging.js";
import { startServer, type RunningServer, type ServeExtras } from "../../src/serve.js";
import { EXAMPLES } from "./fixtures.js";
import { VerifyingClient } from "./https-client.js";

export interface TestServer {
  server: RunningServer;
  client: VerifyingClient;
  certDir: string;
  close(): Promise<void>;
}

/** The real server on ephemeral loopback ports, with freshly generated certificates. */
export async function startTestServer(
  flags: Record<string, string> = {},
  extras: ServeExtras = {},
): Promise<TestServer> {
  const certDir = flags["cert-dir"] ?? (await mkdtemp(join(tmpdir(), "inferplane-certs-")));
  const config = serveConfig(
    { host: "127.0.0.1", port: "0", "metrics-port": "0", manifests: EXAMPLES, "cert-dir": certDir, ...flags },
    {},
  );
  const server = await startServer(config, { log: silentLogger, ...extras });
  await waitFor(() => server.notReadyReason() === undefined, 5000);
  const client = new VerifyingClient(server.webhookPort, server.certificates.bundle.caCert);
  return {
    server,
    client,
    certDir,
    close: async () => {
      client.close();
      await server.stop();
      await rm(certDir, { recursive: true, force: true });
    },
  };
}

export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
