// Load and fault (issue 13): small mutates at concurrency 16 while an attacker, in its own
// process, sends (a) 50 concurrent MILP solves, (b) 32 concurrent 2.7 MiB opted-in pods,
// (c) 200 bodies at a byte a second, (d) 20,000 made-up kinds. Each attack is measured against
// the same load without it, just before. Printed: small-mutate p50/p99, their ratio to the
// baseline, failures, the server's resident memory peak, and what the attacker got back.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { setPriority, tmpdir } from "node:os";
import { Agent, request } from "node:https";
import { createInterface, type Interface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fmt, summarize } from "./stats.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const PHASE_MS = Number(process.env.BENCH_FAULT_SECONDS ?? 10) * 1000;
const CONCURRENCY = 16;

interface Ports {
  port: number;
  optimizerPort: number;
  metricsPort: number;
  certDir: string;
}

function start(script: string, args: string[] = []): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", join(ROOT, "bench", script), ...args], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
}

/**
 * `inferplane serve` as the container runs it — the built JavaScript, default bounds — standalone,
 * so the optimizer is open (an attacker with credentials is the worst case); resolves with its ports.
 */
async function startServe(): Promise<{ child: ChildProcess; ports: Ports }> {
  execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
  const certDir = mkdtempSync(join(tmpdir(), "inferplane-fault-"));
  // NODE_OPTIONS and MALLOC_ARENA_MAX as charts/inferplane/templates/deployment.yaml sets them (400 MiB budget).
  const node = ["--max-old-space-size=160"];
  const serve = ["serve", "--standalone", "--host", "127.0.0.1", "--port", "0", "--metrics-port", "0"];
  const child = spawn(
    process.execPath,
    [...node, join(ROOT, "dist", "src", "cli.js"), ...serve, "--optimizer-port", "0", "--cert-dir", certDir],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, MALLOC_ARENA_MAX: "2" } },
  );
  const reader = lines(child);
  for (;;) {
    const line = JSON.parse(await nextLine(reader)) as { msg: string } & Partial<Ports> & { webhookPort?: number };
    if (line.msg === "serving")
      return {
        child,
        ports: { port: line.webhookPort!, optimizerPort: line.optimizerPort!, metricsPort: line.metricsPort!, certDir },
      };
  }
}

function lines(child: ChildProcess): Interface {
  return createInterface({ input: child.stdout! });
}

function nextLine(reader: Interface): Promise<string> {
  return new Promise((resolve) => reader.once("line", resolve));
}

/** Resident memory of a process, MiB, from /proc (Linux). */
function rssMib(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1] ?? 0) / 1024;
}

function mutate(agent: Agent, ports: Ports, ca: string, body: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", servername: "localhost", port: ports.port, path: "/mutate", method: "POST", agent, ca },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => {
          resolve(res.statusCode === 200 && text.includes('"allowed":true'));
        });
      },
    );
    req.on("error", () => {
      resolve(false);
    });
    req.end(body);
  });
}

interface PhaseResult {
  latencies: number[];
  failures: number;
  wallMs: number;
  rssPeak: number;
}

/** Small mutates at CONCURRENCY until `done` resolves, sampling the server's RSS. */
async function smallMutates(ports: Ports, ca: string, pid: number, done: Promise<unknown>): Promise<PhaseResult> {
  const body = readFileSync(join(ROOT, "examples", "admission", "mutate-worker-pod.json"), "utf8");
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca });
  const result: PhaseResult = { latencies: [], failures: 0, wallMs: 0, rssPeak: rssMib(pid) };
  const sampler = setInterval(() => {
    result.rssPeak = Math.max(result.rssPeak, rssMib(pid));
  }, 50);
  let running = true;
  void done.then(() => (running = false));
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (running) {
        const t0 = performance.now();
        const ok = await mutate(agent, ports, ca, body);
        if (ok) result.latencies.push(performance.now() - t0);
        else result.failures++;
      }
    }),
  );
  result.wallMs = performance.now() - started;
  clearInterval(sampler);
  agent.destroy();
  return result;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function metricsSize(ports: Ports): Promise<{ bytes: number; ms: number }> {
  const t0 = performance.now();
  const text = await (await fetch(`http://127.0.0.1:${ports.metricsPort}/metrics`)).text();
  return { bytes: text.length, ms: performance.now() - t0 };
}

function row(label: string, r: PhaseResult, baseline?: PhaseResult): string {
  const s = summarize(r.latencies, r.wallMs);
  const ratio = baseline ? (s.p99 / summarize(baseline.latencies, baseline.wallMs).p99).toFixed(2) : "1.00";
  return `${label.padEnd(26)} ${String(s.count).padStart(7)} ${fmt(s.p50).padStart(10)} ${fmt(s.p99).padStart(10)} ${ratio.padStart(9)} ${String(r.failures).padStart(8)} ${r.rssPeak.toFixed(0).padStart(9)} MiB`;
}

const ATTACKS = [
  ["solves", "(a) 50 concurrent MILP solves"],
  ["big-pods", "(b) 32 × 2.7 MiB pods"],
  ["slow-bodies", "(c) 200 slow bodies"],
  ["kinds", "(d) 20,000 unique kinds"],
] as const;

export async function faultBenchmark(): Promise<void> {
  const { child: server, ports } = await startServe();
  const ca = readFileSync(join(ports.certDir, "ca.crt"), "utf8");
  const attacker = start("fault-attacker.ts", [JSON.stringify({ ...ports, ca, root: ROOT })]);
  // An attacker runs on its own node; here it shares two cores with the server and the measurer,
  // so it gets what they leave (nice 19), and its own TLS and JSON work does not count as ours.
  setPriority(attacker.pid!, 19);
  const reports = lines(attacker);
  const pid = server.pid!;
  console.log(
    `\nload and fault (issue 13): small mutates at c=${CONCURRENCY}, ${PHASE_MS / 1000} s per phase; server and attacker in their own processes`,
  );
  console.log(
    `${"phase".padEnd(26)} ${"mutates".padStart(7)} ${"p50".padStart(10)} ${"p99".padStart(10)} ${"p99 ratio".padStart(9)} ${"failures".padStart(8)} ${"RSS peak".padStart(13)}  attacker got`,
  );
  try {
    await smallMutates(ports, ca, pid, sleep(2000)); // warm-up
    for (const [attack, label] of ATTACKS) {
      const baseline = await smallMutates(ports, ca, pid, sleep(PHASE_MS));
      console.log(row("  without attack", baseline));
      const before = await metricsSize(ports);
      const report = nextLine(reports);
      attacker.stdin!.write(`${JSON.stringify({ attack })}\n`);
      const ended = attack === "kinds" ? report : sleep(PHASE_MS);
      const underAttack = await smallMutates(ports, ca, pid, ended);
      attacker.stdin!.write(`${JSON.stringify({ stop: true })}\n`);
      const tally = await report;
      const after = await metricsSize(ports);
      const scrape = attack === "kinds" ? `; /metrics ${before.bytes} → ${after.bytes} B, scrape ${fmt(after.ms)}` : "";
      console.log(`${row(label, underAttack, baseline)}  ${tally}${scrape}`);
    }
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    console.log(`server resident memory peak over the run (VmHWM): ${(Number(hwm) / 1024).toFixed(0)} MiB`);
  } finally {
    attacker.kill("SIGTERM");
    server.kill("SIGTERM");
  }
}
