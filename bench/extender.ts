// Extender latency (issue 4): 5,000 nodes × 8 GPUs, 625 tier-1 HyperNodes of 8 nodes, 40 tier-2,
// 1 tier-3, 20% of GPUs in use; filter + prioritize for each member of a 16-pod gang in NodeNames
// mode over HTTPS keep-alive, against the floor of merely parsing the same request body.
import { startServerProcess } from "./support/server-process.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeObject } from "../src/kube/object.js";
import { boundPod, gangPod, podGroup, rackCluster } from "../test/support/cluster.js";
import { fmt, percentile } from "./stats.js";

const GANGS = Number(process.env.BENCH_GANGS ?? 20);
const MEMBERS = 16;
const WARMUP = 50;

/** A small deterministic PRNG, so every run benchmarks the same cluster. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function cluster(): { objects: KubeObject[]; nodeNames: string[] } {
  const objects = rackCluster(625, 8, 8, 16, 3);
  const nodeNames = objects.filter((o) => o.kind === "Node").map((o) => o.metadata!.name!);
  const random = prng(42);
  let inUse = 0;
  const target = nodeNames.length * 8 * 0.2;
  while (inUse < target) {
    const node = nodeNames[Math.floor(random() * nodeNames.length)]!;
    const gpus = 1 + Math.floor(random() * 4);
    objects.push(boundPod(`busy-${inUse}`, node, gpus));
    inUse += gpus;
  }
  for (let g = 0; g < GANGS; g++) {
    objects.push(podGroup(`gang-${g}`, MEMBERS, { mode: "hard", highestTierAllowed: 3 }));
    for (let m = 0; m < MEMBERS; m++)
      objects.push(
        gangPod(`gang-${g}-${String(m).padStart(2, "0")}`, `gang-${g}`, {
          "nvidia.com/gpu": "8",
          cpu: "32",
          memory: "256Gi",
        }),
      );
  }
  return { objects, nodeNames };
}

function post(agent: Agent, port: number, path: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        servername: "localhost",
        port,
        path,
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => {
          resolve(text);
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export async function extenderBenchmark(): Promise<void> {
  const { objects, nodeNames } = cluster();
  const dir = mkdtempSync(join(tmpdir(), "inferplane-bench-cluster-"));
  writeFileSync(join(dir, "cluster.json"), JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));
  const { child, port, ca } = await startServerProcess("extender-server.ts", [dir]);
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca });
  const pods = new Map(objects.filter((o) => o.kind === "Pod").map((p) => [p.metadata!.name!, p]));
  const timings = {
    coldFilter: [] as number[],
    filter: [] as number[],
    prioritize: [] as number[],
    parse: [] as number[],
  };
  let bodyBytes = 0;
  let placedOnFirst = 0;
  const oneMember = async (g: number, m: number): Promise<void> => {
    const body = JSON.stringify({
      Pod: pods.get(`gang-${g}-${String(m).padStart(2, "0")}`),
      Nodes: null,
      NodeNames: nodeNames,
    });
    bodyBytes = body.length;
    let t0 = performance.now();
    JSON.parse(body);
    timings.parse.push(performance.now() - t0);
    t0 = performance.now();
    const reply = JSON.parse(await post(agent, port, "/scheduler/filter", body)) as {
      NodeNames: string[];
      Error: string;
    };
    (m === 0 ? timings.coldFilter : timings.filter).push(performance.now() - t0);
    if (reply.Error) throw new Error(reply.Error);
    if (m === 0 && reply.NodeNames.length === 1) placedOnFirst++;
    t0 = performance.now();
    await post(agent, port, "/scheduler/prioritize", body);
    timings.prioritize.push(performance.now() - t0);
  };
  // kube-scheduler keeps its connection: the TLS handshake and the JIT's first runs are warmed
  // up with a pod of no gang (filter passes it everywhere), not counted as any gang's plan.
  const loner = { apiVersion: "v1", kind: "Pod", metadata: { name: "loner", namespace: "default" }, spec: {} };
  const warmup = JSON.stringify({ Pod: loner, Nodes: null, NodeNames: nodeNames });
  try {
    for (let i = 0; i < WARMUP; i++) {
      await post(agent, port, "/scheduler/filter", warmup);
      await post(agent, port, "/scheduler/prioritize", warmup);
    }
    for (let g = 0; g < GANGS; g++) for (let m = 0; m < MEMBERS; m++) await oneMember(g, m);
  } finally {
    agent.destroy();
    child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
  const row = (name: string, xs: number[]): string => {
    const sorted = [...xs].sort((a, b) => a - b);
    const parse = [...timings.parse].sort((a, b) => a - b);
    const ratio = (p: number): string => `${(percentile(sorted, p) / percentile(parse, p)).toFixed(1).padStart(6)}×`;
    return `${name.padEnd(34)} | ${fmt(percentile(sorted, 50)).padStart(9)} | ${fmt(percentile(sorted, 99)).padStart(9)} | ${ratio(50)} | ${ratio(99)}`;
  };
  console.log(
    `\nextender, ${nodeNames.length} nodes, ${objects.length} objects, ${GANGS} gangs × ${MEMBERS} pods, NodeNames body ${bodyBytes} B, HTTPS keep-alive, ${WARMUP} warm-up calls of a gangless pod`,
  );
  console.log(`${"call".padEnd(34)} |       p50 |       p99 | p50 vs parse | p99 vs parse`);
  console.log(row("parse the request body (floor)", timings.parse));
  console.log(row("filter, first member (plans gang)", timings.coldFilter));
  console.log(row("filter, other members (cached)", timings.filter));
  console.log(row("prioritize", timings.prioritize));
  console.log(`gangs placed by the first filter call: ${placedOnFirst}/${GANGS}`);
}
