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
  /** The optimizer's listener (/optimizer/solve, /invoke). */
  optimizer: VerifyingClient;
  certDir: string;
  close(): Promise<void>;
}

/** Every port ephemeral on loopback, certificates in `certDir`: the flags each test server starts from. */
export function loopbackFlags(certDir: string): Record<string, string> {
  return { host: "127.0.0.1", port: "0", "metrics-port": "0", "optimizer-port": "0", "cert-dir": certDir };
}

/** The real server on ephemeral loopback ports, with freshly generated certificates. */
export async function startTestServer(
  flags: Record<string, string> = {},
  extras: ServeExtras = {},
): Promise<TestServer> {
  const certDir = flags["cert-dir"] ?? (await mkdtemp(join(tmpdir(), "inferplane-certs-")));
  const config = serveConfig({ ...loopbackFlags(certDir), manifests: EXAMPLES, ...flags }, {});
  const server = await startServer(config, { log: silentLogger, ...extras });
  await waitFor(() => server.notReadyReason() === undefined, 5000);
  const client = new VerifyingClient(server.webhookPort, server.certificates.bundle.caCert);
  const optimizer = new VerifyingClient(server.optimizerPort, server.certificates.bundle.caCert);
  return {
    server,
    client,
    optimizer,
    certDir,
    close: async () => {
      client.close();
      optimizer.close();
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
