import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { PodSpec } from "kubernetes-types/core/v1.js";
import type { AddressInfo } from "node:net";
import { enhanceGpuPod } from "../../webhooks/gpu/enhance.js";
import { waitFor } from "../support/test-server.js";
import { gpuPod, NS, stores, tokenCache } from "../support/gpu.js";

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

/** The spec of an engine pod on `port` naming a prefix-tier cache with `warmup`, as admission leaves it. */
function warmedPod(port: number, warmup: Record<string, unknown>): PodSpec {
  const result = enhanceGpuPod(
    gpuPod({ "inference.ai/token-cache": "c" }, { args: ["--port", String(port)] }),
    NS,
    stores(tokenCache("c", { tiers: [{ name: "p", type: "prefix" }], warmup })),
  );
  assert.ok(result.ok);
  return result.value.spec!;
}

describe("the warmup sidecar's script, run for real (sh + curl)", function () {
  this.timeout(20_000);
  let server: Server;
  let healthy = false;
  const completions: unknown[] = [];

  before(async () => {
    server = createServer((req, res) => {
      void (async () => {
        if (req.url === "/health") res.writeHead(healthy ? 200 : 503).end();
        else if (req.method === "POST" && req.url === "/v1/completions") {
          completions.push(JSON.parse(await body(req)));
          res.writeHead(200, { "content-type": "application/json" }).end("{}");
        } else res.writeHead(404).end();
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  after(() => {
    server.close();
  });

  it("waits for the engine's health, sends each common prefix once as a 1-token completion, then stays up", async () => {
    const port = (server.address() as AddressInfo).port;
    const prefixes = ["You are a helpful assistant", 'Quote "this" and $HOME `literally`'];
    const spec = warmedPod(port, { enabled: true, commonPrefixes: prefixes });
    const sidecar = spec.initContainers![0]!;
    const env = Object.fromEntries(sidecar.env!.map((e) => [e.name, e.value ?? ""]));
    // Its own process group, so the shell and whatever it runs (curl, sleep) are stopped together.
    const child = spawn(sidecar.command![0]!, sidecar.command!.slice(1), {
      env: { PATH: process.env.PATH, ...env },
      stdio: "ignore",
      detached: true,
    });
    try {
      await new Promise((r) => setTimeout(r, 2500));
      assert.deepEqual(completions, [], "nothing is sent before the engine is healthy");
      healthy = true;
      await waitFor(() => completions.length === 2, 10_000);
      assert.deepEqual(
        completions,
        prefixes.map((prompt) => ({ model: "meta-llama/Llama-3.1-8B-Instruct", prompt, max_tokens: 1 })),
      );
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(child.exitCode, null, "a native sidecar must not exit");
      assert.equal(completions.length, 2, "each prefix once");
    } finally {
      process.kill(-child.pid!, "SIGKILL");
    }
  });

  it("sends a ConfigMap's lines after the common prefixes, JSON-escaped by the script itself, blank lines skipped", async () => {
    completions.length = 0;
    healthy = true;
    const port = (server.address() as AddressInfo).port;
    const spec = warmedPod(port, {
      enabled: true,
      commonPrefixes: ["first"],
      sourceConfigMapRef: { name: "prefixes", key: "lines" },
    });
    assert.deepEqual(spec.volumes?.find((v) => v.name === "lmcache-warmup-prefixes")?.configMap, {
      name: "prefixes",
      items: [{ key: "lines", path: "prefixes.txt" }],
      optional: true,
    });
    const sidecar = spec.initContainers![0]!;
    const env = Object.fromEntries(sidecar.env!.map((e) => [e.name, e.value ?? ""]));
    assert.equal(env.WARMUP_FILE, `${sidecar.volumeMounts![0]!.mountPath}/prefixes.txt`);
    // The file as the kubelet would mount it from the ConfigMap's key.
    const lines = [
      "You are a helpful assistant.",
      'Say "hi" \\ then $HOME and `date`',
      "",
      "  \t ",
      "tab\there, ünïcode ✓",
      "windows line\r",
      "no newline at the end",
    ];
    const dir = await mkdtemp(join(tmpdir(), "inferplane-warmup-"));
    const file = join(dir, "prefixes.txt");
    await writeFile(file, lines.join("\n"));
    const child = spawn(sidecar.command![0]!, sidecar.command!.slice(1), {
      env: { PATH: process.env.PATH, ...env, WARMUP_FILE: file },
      stdio: "ignore",
      detached: true,
    });
    try {
      await waitFor(() => completions.length === 6, 10_000);
      assert.deepEqual(
        completions.map((c) => (c as { prompt: string }).prompt),
        [
          "first",
          "You are a helpful assistant.",
          'Say "hi" \\ then $HOME and `date`',
          "tab\there, ünïcode ✓",
          "windows line",
          "no newline at the end",
        ],
      );
      assert.ok(completions.every((c) => (c as { model: string }).model === "meta-llama/Llama-3.1-8B-Instruct"));
    } finally {
      process.kill(-child.pid!, "SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  });
});
