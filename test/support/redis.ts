import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, Socket, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A Redis reply: a simple or bulk string, an integer, nil, an array, or an error reply. */
export type Reply = string | number | null | Reply[] | RedisError;

export class RedisError extends Error {}

/** Reads one RESP2 reply from `buf` at `at`; undefined when it is not complete yet. */
function readReply(buf: Buffer, at: number): { value: Reply; next: number } | undefined {
  const end = buf.indexOf("\r\n", at);
  if (end < 0) return undefined;
  const line = buf.toString("utf8", at + 1, end);
  const next = end + 2;
  switch (String.fromCharCode(buf[at]!)) {
    case "+":
      return { value: line, next };
    case "-":
      return { value: new RedisError(line), next };
    case ":":
      return { value: Number(line), next };
    case "$": {
      const length = Number(line);
      if (length < 0) return { value: null, next };
      if (buf.length < next + length + 2) return undefined;
      return { value: buf.toString("utf8", next, next + length), next: next + length + 2 };
    }
    default: {
      const items: Reply[] = [];
      let cursor = next;
      for (let i = 0; i < Number(line); i++) {
        const item = readReply(buf, cursor);
        if (!item) return undefined;
        items.push(item.value);
        cursor = item.next;
      }
      return { value: items, next: cursor };
    }
  }
}

/** A minimal RESP2 client, one command at a time: enough to ask a real redis-server what a test needs. */
export class RedisClient {
  private buffer = Buffer.alloc(0);
  private waiting: ((reply: Reply) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      const reply = readReply(this.buffer, 0);
      if (!reply || !this.waiting) return;
      this.buffer = this.buffer.subarray(reply.next);
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve(reply.value);
    });
  }

  static connect(port: number): Promise<RedisClient> {
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      socket.once("error", reject);
      socket.connect(port, "127.0.0.1", () => {
        socket.off("error", reject);
        resolve(new RedisClient(socket));
      });
    });
  }

  command(...args: (string | number | Buffer)[]): Promise<Reply> {
    const parts = args.map((a) => (Buffer.isBuffer(a) ? a : Buffer.from(String(a))));
    const frame = Buffer.concat([
      Buffer.from(`*${parts.length}\r\n`),
      ...parts.flatMap((p) => [Buffer.from(`$${p.length}\r\n`), p, Buffer.from("\r\n")]),
    ]);
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(frame);
    });
  }

  /** One field of INFO (`used_memory`, `evicted_keys`, `master_link_status`). */
  async info(field: string): Promise<string | undefined> {
    const text = String(await this.command("INFO"));
    return new RegExp(`^${field}:(.*)$`, "m").exec(text)?.[1]?.trim();
  }

  close(): void {
    this.socket.destroy();
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A redis-server (Debian's) started for a test, in its own directory; stopped with `stop()`. */
export interface RunningRedis {
  port: number;
  dir: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/**
 * Starts `command` (argv) in a fresh directory with `env`, and waits until a client on `port`
 * gets an answer to PING (PONG or NOAUTH). `config` is written to `<dir>/redis.conf` first.
 */
export async function startRedis(
  command: string[],
  port: number,
  config: string,
  env: Record<string, string> = {},
): Promise<RunningRedis> {
  const dir = await mkdtemp(join(tmpdir(), "inferplane-redis-"));
  await writeFile(join(dir, "redis.conf"), config);
  const child = spawn(command[0]!, command.slice(1), { cwd: dir, env: { PATH: process.env.PATH, ...env } });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const running: RunningRedis = {
    port,
    dir,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited: ${output}`);
    try {
      const client = await RedisClient.connect(port);
      const reply = await client.command("PING");
      client.close();
      if (reply === "PONG" || reply instanceof RedisError) return running;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await running.stop();
      throw new Error(`redis-server did not answer on ${port}: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
