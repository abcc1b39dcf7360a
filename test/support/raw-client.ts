import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from "node:tls";

export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A TLS connection driven byte by byte — a slow client, a body that never ends, a request cut
 * short — to see what the server does with each phase. Parses the first HTTP/1.1 reply.
 */
export class RawTlsClient {
  readonly socket: TLSSocket;
  readonly connected: Promise<void>;
  /** Resolves when the server (or the network) closes the connection. */
  readonly closed: Promise<void>;
  private received = Buffer.alloc(0);
  private readonly waiters: Array<() => void> = [];

  constructor(port: number, ca: string, options: Partial<ConnectionOptions> = {}) {
    this.socket = tlsConnect({ host: "127.0.0.1", port, ca, servername: "localhost", ...options });
    this.connected = new Promise((resolve, reject) => {
      this.socket.once("secureConnect", resolve);
      this.socket.once("error", reject);
    });
    this.connected.catch(() => undefined);
    this.closed = new Promise((resolve) => {
      this.socket.once("close", () => {
        resolve();
      });
    });
    this.socket.on("error", () => undefined);
    this.socket.on("data", (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.socket.on("close", () => {
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Request line and headers only; the body is written later, or never. */
  head(method: string, path: string, headers: Record<string, string | number>): void {
    const lines = Object.entries({ host: "localhost", ...headers }).map(([k, v]) => `${k}: ${v}`);
    this.write(`${method} ${path} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`);
  }

  /** The first reply, once its headers and (Content-Length) body are in, or undefined if the connection closed first. */
  async reply(): Promise<RawReply | undefined> {
    for (;;) {
      const parsed = this.parse();
      if (parsed) return parsed;
      if (this.socket.destroyed || this.socket.readableEnded) return undefined;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private parse(): RawReply | undefined {
    const end = this.received.indexOf("\r\n\r\n");
    if (end < 0) return undefined;
    const [statusLine, ...lines] = this.received.subarray(0, end).toString("latin1").split("\r\n");
    const headers = Object.fromEntries(
      lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
    );
    const length = Number(headers["content-length"] ?? 0);
    if (this.received.length < end + 4 + length) return undefined;
    const body = this.received.subarray(end + 4, end + 4 + length).toString("utf8");
    return { status: Number(statusLine?.split(" ")[1]), headers, body };
  }

  close(): void {
    this.socket.destroy();
  }
}
