import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Debian's prometheus binary (`.ci/run` installs the package). */
export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? "/usr/bin/prometheus";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => {
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"));
      });
    });
  });
}

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

/** A real Prometheus scraping `target` every second; its own labels on the scraped series are kept. */
export async function startPrometheus(target: string): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), "prometheus-"));
  const port = await freePort();
  const config = `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: vllm\n    honor_labels: true\n    static_configs:\n      - targets: ["${target}"]\n`;
  await writeFile(join(dir, "prometheus.yml"), config);
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: "ignore" },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error("prometheus did not become ready");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Pods that expose vLLM's counters, growing at a set request rate (per minute) and tokens per request. */
export interface VllmPod {
  namespace: string;
  pod: string;
  rpm: number;
  inTokens: number;
  outTokens: number;
}

export async function serveVllmMetrics(pods: readonly VllmPod[]): Promise<{ target: string; close(): Promise<void> }> {
  const started = Date.now();
  const server: Server = createServer((_req, res) => {
    const seconds = (Date.now() - started) / 1000;
    const lines: string[] = [];
    for (const [metric, per] of [
      ["vllm:request_success_total", () => 1],
      ["vllm:prompt_tokens_total", (p: VllmPod) => p.inTokens],
      ["vllm:generation_tokens_total", (p: VllmPod) => p.outTokens],
    ] as const) {
      lines.push(`# TYPE ${metric.replace(/_total$/, "")} counter`);
      for (const p of pods)
        lines.push(
          `${metric}{namespace="${p.namespace}",pod="${p.pod}",model_name="m"} ${(p.rpm / 60) * seconds * per(p)}`,
        );
    }
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
    res.end(`${lines.join("\n")}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    target: `127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

/**
 * Waits until every series of `metric` has at least `seconds` − 1 samples in the last `seconds`
 * (1 s scrapes), so rate() over that window is steady.
 */
export async function waitForWindow(prometheus: RunningPrometheus, metric: string, seconds: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  const query = `${prometheus.url}/api/v1/query?query=${encodeURIComponent(`min(count_over_time(${metric}[${seconds}s]))`)}`;
  for (;;) {
    const body = (await (await fetch(query)).json()) as { data: { result: { value: [number, string] }[] } };
    if (Number(body.data.result[0]?.value[1] ?? 0) >= seconds - 1) return;
    if (Date.now() > deadline) throw new Error(`Prometheus did not fill a ${seconds} s window`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
