import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { Express } from "express";
import { secureContextOptions, type ServingPair } from "./tls-policy.js";

export type { ServingPair } from "./tls-policy.js";

/**
 * The apiserver keeps idle connections to a webhook for 90 s; Node's default keep-alive (5 s)
 * would close them under its feet and fail requests at random.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 95_000;

/** Every phase of a connection has a deadline, and the connections themselves a cap. */
export interface ListenerBounds {
  maxConnections: number;
  maxConnectionsPerClient: number;
  /** The TLS handshake must finish within this (Node's default is 120 s). */
  tlsHandshakeTimeoutMs: number;
  /** Request line and headers must arrive within this. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (Node's default is 300 s). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  idleTimeoutMs: number;
}

export const DEFAULT_LISTENER_BOUNDS: ListenerBounds = {
  maxConnections: 1024,
  maxConnectionsPerClient: 256,
  tlsHandshakeTimeoutMs: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  idleTimeoutMs: KEEP_ALIVE_TIMEOUT_MS,
};

/** Why a connection was closed on arrival: the cap of the listener, or of one client address. */
export type ConnectionRefusal = "connections" | "client-connections";

export type OnRefused = (reason: ConnectionRefusal) => void;

/** Node checks request and header deadlines on this period; its default (30 s) would let them overrun. */
const DEADLINE_CHECK_MS = 1000;

function serverOptions(bounds: ListenerBounds): {
  requestTimeout: number;
  headersTimeout: number;
  keepAliveTimeout: number;
  connectionsCheckingInterval: number;
} {
  return {
    requestTimeout: bounds.requestTimeoutMs,
    headersTimeout: Math.min(bounds.headersTimeoutMs, bounds.requestTimeoutMs),
    keepAliveTimeout: bounds.idleTimeoutMs,
    connectionsCheckingInterval: Math.min(DEADLINE_CHECK_MS, bounds.headersTimeoutMs),
  };
}

/** `::ffff:10.0.0.1` and `10.0.0.1` are one client. */
function clientAddress(socket: Socket): string {
  const address = socket.remoteAddress ?? "";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

/** Caps connections per listener (Node drops them on accept) and per client address. */
function capConnections(server: Server | HttpsServer, bounds: ListenerBounds, onRefused: OnRefused): void {
  server.maxConnections = bounds.maxConnections;
  server.on("drop", () => {
    onRefused("connections");
  });
  const perClient = new Map<string, number>();
  server.on("connection", (socket: Socket) => {
    const address = clientAddress(socket);
    const open = perClient.get(address) ?? 0;
    if (open >= bounds.maxConnectionsPerClient) {
      onRefused("client-connections");
      socket.destroy();
      return;
    }
    perClient.set(address, open + 1);
    socket.once("close", () => {
      const left = (perClient.get(address) ?? 1) - 1;
      if (left > 0) perClient.set(address, left);
      else perClient.delete(address);
    });
  });
}

/** An HTTPS listener with inferplane's TLS policy, deadlines and connection caps. */
export function createTlsServer(
  app: Express,
  pair: ServingPair,
  bounds: ListenerBounds = DEFAULT_LISTENER_BOUNDS,
  onRefused: OnRefused = () => undefined,
): HttpsServer {
  const server = createHttpsServer(
    {
      ...secureContextOptions(pair),
      // Asked for, never required: the apiserver sends none; the extender's routes check it.
      requestCert: pair.clientCa !== undefined,
      rejectUnauthorized: false,
      handshakeTimeout: bounds.tlsHandshakeTimeoutMs,
      ...serverOptions(bounds),
    },
    app,
  );
  capConnections(server, bounds, onRefused);
  return server;
}

export function createPlainServer(
  app: Express,
  bounds: ListenerBounds = DEFAULT_LISTENER_BOUNDS,
  onRefused: OnRefused = () => undefined,
): Server {
  const server = createHttpServer(serverOptions(bounds), app);
  capConnections(server, bounds, onRefused);
  return server;
}

function listenOnce(server: Server | HttpsServer, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/**
 * Listens on `host` (`::` is dual-stack: IPv4 arrives IPv4-mapped). A host without IPv6 cannot
 * bind `::`; then `0.0.0.0` is used and `onFallback` says so.
 */
export async function listen(
  server: Server | HttpsServer,
  port: number,
  host: string,
  onFallback: (reason: string) => void = () => undefined,
): Promise<number> {
  try {
    await listenOnce(server, port, host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (host !== "::" || (code !== "EAFNOSUPPORT" && code !== "EADDRNOTAVAIL")) throw err;
    onFallback(`cannot listen on [::]:${port} (${code}); listening on IPv4 0.0.0.0 only`);
    await listenOnce(server, port, "0.0.0.0");
  }
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
