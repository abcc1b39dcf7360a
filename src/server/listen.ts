import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Express } from "express";

export interface TlsPair {
  cert: string;
  key: string;
}

/**
 * The apiserver keeps idle connections to a webhook for 90 s; Node's default keep-alive (5 s)
 * would close them under its feet and fail requests at random.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 95_000;
export const HEADERS_TIMEOUT_MS = 32_000;

export function createWebhookServer(app: Express, tls: TlsPair): HttpsServer {
  const server = createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: "TLSv1.2" }, app);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  return server;
}

export function createPlainServer(app: Express): Server {
  return createHttpServer(app);
}

export async function listen(server: Server | HttpsServer, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Stops accepting connections and lets requests in flight finish. Idle keep-alive connections
 * are closed as soon as they are idle; after `graceMs` whatever is left is cut.
 */
export async function closeGracefully(server: Server | HttpsServer, graceMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  const sweeper = setInterval(() => {
    server.closeIdleConnections();
  }, 50);
  const deadline = setTimeout(() => {
    server.closeAllConnections();
  }, graceMs);
  server.closeIdleConnections();
  try {
    await closed;
  } finally {
    clearInterval(sweeper);
    clearTimeout(deadline);
  }
}
