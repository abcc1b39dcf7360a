import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { capturedRequest, EXAMPLES, REPO_ROOT, review } from "../support/fixtures.js";

interface Started {
  child: ChildProcess;
  webhookPort: number;
  exited: Promise<number | null>;
}

/** `inferplane serve` as its own process, as a Deployment runs it; resolves once it logs its ports. */
async function startServeProcess(certDir: string): Promise<Started> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/cli.ts",
      "serve",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--metrics-port",
      "0",
      "--optimizer-port",
      "0",
      "--cert-dir",
      certDir,
      "--manifests",
      EXAMPLES,
    ],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      resolve(code);
    }),
  );
  const webhookPort = await new Promise<number>((resolve, reject) => {
    let buffered = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /"msg":"serving","webhookPort":(\d+)/.exec(buffered);
      if (match) resolve(Number(match[1]));
    });
    void exited.then((code) => {
      reject(new Error(`serve exited early with ${String(code)}`));
    });
  });
  return { child, webhookPort, exited };
}

describe("graceful shutdown on SIGTERM", function () {
  this.timeout(30_000);
  let certDir: string;
  before(async () => {
    certDir = await mkdtemp(join(tmpdir(), "inferplane-sigterm-"));
  });
  after(async () => {
    await rm(certDir, { recursive: true, force: true });
  });

  it("finishes a request in flight, refuses new connections while draining, and exits 0", async () => {
    const { child, webhookPort, exited } = await startServeProcess(certDir);
    const ca = await readFile(join(certDir, "ca.crt"), "utf8");
    const body = JSON.stringify(review(capturedRequest("admission-create-pod")));
    const half = Math.floor(body.length / 2);
    let duringDrain: Promise<unknown> = Promise.resolve();
    const reply = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          servername: "localhost",
          port: webhookPort,
          path: "/mutate",
          method: "POST",
          ca,
          headers: { "content-type": "application/json", "content-length": String(body.length) },
        },
        (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () => {
            resolve({ status: res.statusCode ?? 0, text });
          });
        },
      );
      req.on("error", reject);
      req.write(body.slice(0, half));
      setTimeout(() => {
        child.kill("SIGTERM");
        setTimeout(() => {
          duringDrain = fetch(`http://127.0.0.1:${webhookPort}/`).then(
            () => "accepted",
            (err: unknown) => String((err as { cause?: { code?: string } }).cause?.code),
          );
        }, 250);
        setTimeout(() => req.end(body.slice(half)), 500);
      }, 300);
    });
    const { status, text } = await reply;
    assert.equal(status, 200);
    assert.equal(
      (JSON.parse(text) as { response: { uid: string } }).response.uid,
      "af5c3d45-72b8-11eb-a3a3-0242ac130003",
    );
    assert.equal(await duringDrain, "ECONNREFUSED", "no new connections while draining");
    assert.equal(await exited, 0);
  });
});
