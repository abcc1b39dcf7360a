import { Agent, request } from "node:https";

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTPS client that trusts only the given CA and checks the host name, as the apiserver does. */
export class VerifyingClient {
  readonly agent: Agent;

  constructor(
    private readonly port: number,
    ca: string,
    private readonly servername = "localhost",
    /** A client certificate to present (kube-scheduler's, to the extender). */
    identity?: { cert: string; key: string },
  ) {
    this.agent = new Agent({ keepAlive: true, ca, maxSockets: 64, ...identity });
  }

  post(path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<HttpReply> {
    return this.send("POST", path, body, headers);
  }

  get(path: string, headers: Record<string, string> = {}): Promise<HttpReply> {
    return this.send("GET", path, "", headers);
  }

  private send(
    method: string,
    path: string,
    body: string | Buffer,
    headers: Record<string, string>,
  ): Promise<HttpReply> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          servername: this.servername,
          port: this.port,
          path,
          method,
          agent: this.agent,
          headers: { "content-type": "application/json", ...headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() });
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  async postJson(
    path: string,
    value: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: unknown; body: string; headers: HttpReply["headers"] }> {
    const reply = await this.post(path, JSON.stringify(value), headers);
    let json: unknown;
    try {
      json = JSON.parse(reply.body);
    } catch {
      json = undefined;
    }
    return { status: reply.status, json, body: reply.body, headers: reply.headers };
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Plain HTTP GET on loopback, for the health port. */
export async function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}
