// The attacks of issue 13, from their own process (their TLS and JSON costs are not the
// measurer's): one JSON command per stdin line, `{"attack": ...}` then `{"stop": true}`; each
// attack prints one JSON line of what it got back when it ends.
import { Agent, request } from "node:https";
import { connect, type TLSSocket } from "node:tls";
import { createInterface } from "node:readline";
import { readFileSync } from "node:fs";
import { join } from "node:path";

interface Target {
  port: number;
  optimizerPort: number;
  ca: string;
  root: string;
}

type Tally = Record<string, number>;

function post(agent: Agent, port: number, ca: string, path: string, body: Buffer | string): Promise<string> {
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", servername: "localhost", port, path, method: "POST", agent, ca },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          const code = /"code":(\d+)/.exec(text)?.[1];
          resolve(res.statusCode === 200 && code ? `200/${code}` : String(res.statusCode));
        });
      },
    );
    req.on("error", (err) => {
      resolve(`error ${(err as NodeJS.ErrnoException).code ?? err.message}`);
    });
    req.end(body);
  });
}

function count(tally: Tally, key: string): void {
  tally[key] = (tally[key] ?? 0) + 1;
}

/** `workers` loops sending `body()` to `path` until stopped; tallies the answers. */
async function flood(
  t: Target,
  port: number,
  path: string,
  workers: number,
  body: (i: number) => Buffer | string,
  running: () => boolean,
  limit = Infinity,
): Promise<Tally> {
  const agent = new Agent({ keepAlive: true, maxSockets: workers, ca: t.ca });
  const tally: Tally = {};
  let sent = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (running() && sent < limit) count(tally, await post(agent, port, t.ca, path, body(sent++)));
    }),
  );
  agent.destroy();
  return tally;
}

/** An opted-in ModelInfer worker pod padded with env vars to about `mib` MiB. */
function bigPod(root: string, mib: number): Buffer {
  const review = JSON.parse(readFileSync(join(root, "examples", "admission", "mutate-worker-pod.json"), "utf8")) as {
    request: { object: { spec: { containers: { env?: unknown[] }[] } } };
  };
  const entry = { name: "V000000", value: "x".repeat(24) };
  const entries = Math.floor((mib * 1024 * 1024) / (JSON.stringify(entry).length + 1));
  review.request.object.spec.containers[0]!.env = Array.from({ length: entries }, (_, i) => ({
    name: `V${String(i).padStart(6, "0")}`,
    value: entry.value,
  }));
  return Buffer.from(JSON.stringify(review));
}

/** `clients` connections, each sending a 1000-byte body one byte a second; reconnects when cut. */
async function slowBodies(t: Target, clients: number, running: () => boolean): Promise<Tally> {
  const tally: Tally = {};
  const one = async (): Promise<void> => {
    while (running()) {
      await new Promise<void>((resolve) => {
        let drip: NodeJS.Timeout | undefined;
        const socket: TLSSocket = connect(
          { host: "127.0.0.1", port: t.port, ca: t.ca, servername: "localhost" },
          () => {
            socket.write(
              "POST /mutate HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n",
            );
            drip = setInterval(() => {
              if (!running()) socket.destroy();
              else socket.write("{");
            }, 1000);
          },
        );
        socket.on("data", (d: Buffer) => {
          count(tally, `answered ${d.toString("latin1").split(" ")[1] ?? "?"}`);
        });
        socket.on("error", () => undefined);
        socket.on("close", () => {
          clearInterval(drip);
          count(tally, running() ? "cut by the server" : "closed at the end");
          resolve();
        });
      });
    }
  };
  await Promise.all(Array.from({ length: clients }, one));
  return tally;
}

function kindReview(i: number): string {
  return JSON.stringify({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: `kind-${i}`,
      kind: { group: `g${i}.attack.example`, version: `v${i}`, kind: `Kind${i}` },
      operation: "CREATE",
      namespace: "default",
      object: { metadata: { name: `o${i}` } },
    },
  });
}

const target = JSON.parse(process.argv[2] ?? "{}") as Target;
let running = false;
const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const command = JSON.parse(line) as { attack?: string; stop?: boolean };
  if (command.stop) {
    running = false;
    return;
  }
  running = true;
  const isRunning = (): boolean => running;
  const attacks: Record<string, () => Promise<Tally>> = {
    solves: () => {
      const body = readFileSync(join(target.root, "test/fixtures/inferno/v2/small/system-data.json"));
      return flood(target, target.optimizerPort, "/optimizer/solve?solver=milp", 50, () => body, isRunning);
    },
    "big-pods": () => {
      const body = bigPod(target.root, 2.7);
      return flood(target, target.port, "/mutate", 32, () => body, isRunning);
    },
    "slow-bodies": () => slowBodies(target, 200, isRunning),
    kinds: () => flood(target, target.port, "/mutate", 32, kindReview, isRunning, 20_000),
  };
  void attacks[command.attack ?? ""]!().then((tally) => {
    process.stdout.write(`${JSON.stringify(tally)}\n`);
  });
});
