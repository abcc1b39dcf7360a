import { join } from "node:path";
import { computeCandidates, type ServerCandidates } from "../src/optimizer/candidates.js";
import { loadSystemDir } from "../src/optimizer/load-dir.js";
import { solveGreedySystem, solveMilpSystem, solveUnlimitedSystem } from "../src/optimizer/solve.js";
import type { Solution } from "../src/optimizer/solution.js";
import type { SystemSpec } from "../src/optimizer/spec.js";
import { syntheticSystem, withCapacity } from "./optimizer-instances.js";
import { fmt, percentile } from "./stats.js";

const FIXTURES = join(import.meta.dirname, "..", "test", "fixtures", "inferno");
const MILP_OPTIONS = { timeLimitSeconds: 60 };

async function timed<T>(runs: number, work: () => Promise<T> | T): Promise<{ result: T; p50: number; p99: number }> {
  const times: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { result: result as T, p50: percentile(times, 50), p99: percentile(times, 99) };
}

const mib = (): string => `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`;

function line(label: string, t: { p50: number; p99: number }, runs: number, s: Solution): void {
  const served = `${s.allocations.length} served, ${s.unallocated.length} not`;
  console.log(
    `  ${label.padEnd(34)} p50 ${fmt(t.p50).padStart(10)}  p99 ${fmt(t.p99).padStart(10)}  (${runs} runs)  cost ${s.totalCost.toFixed(0)}  ${s.status}, ${served}`,
  );
}

async function fixtureCases(): Promise<void> {
  const large = loadSystemDir(join(FIXTURES, "v1/large"));
  console.log("v1/large (27 servers × 21 accelerators), candidates included in each solve:");
  const candidates = await timed(20, () => computeCandidates(large));
  console.log(
    `  ${"candidate sizing alone".padEnd(34)} p50 ${fmt(candidates.p50).padStart(10)}  p99 ${fmt(candidates.p99).padStart(10)}  (20 runs)`,
  );
  const unlimited = await timed(20, () => solveUnlimitedSystem(large, computeCandidates(large)));
  line("unlimited", unlimited, 20, unlimited.result);
  const greedy = await timed(20, () => solveGreedySystem(large, computeCandidates(large)));
  line("greedy (limited)", greedy, 20, greedy.result);
  const milp = await timed(5, () => solveMilpSystem(large, computeCandidates(large), MILP_OPTIONS));
  line("MILP (limited)", milp, 5, milp.result);
  const mixed: SystemSpec = { ...large, optimizer: { ...large.optimizer, heterogeneous: true } };
  const hetero = await timed(3, () => solveMilpSystem(mixed, computeCandidates(mixed), MILP_OPTIONS));
  line("MILP heterogeneous (limited)", hetero, 3, hetero.result);
  console.log(`  peak RSS so far ${mib()}`);
}

async function syntheticCase(servers: number, accelerators: number): Promise<void> {
  const base = syntheticSystem(servers, accelerators);
  const sizing = performance.now();
  const loose = computeCandidates(base);
  const sizingMs = performance.now() - sizing;
  const system = withCapacity(base, solveUnlimitedSystem(base, loose).usage, 0.75, 0.5);
  const candidates: ServerCandidates[] = loose;
  const runs = servers >= 5000 ? 3 : 10;
  const greedy = await timed(runs, () => solveGreedySystem(system, candidates));
  const milp = await timed(servers >= 5000 ? 1 : 3, () => solveMilpSystem(system, candidates, MILP_OPTIONS));
  console.log(
    `${servers} servers × ${accelerators} accelerators: candidate sizing ${fmt(sizingMs)} (${candidates.reduce((n, c) => n + c.candidates.length, 0)} candidates)`,
  );
  line("greedy", greedy, runs, greedy.result);
  line("MILP", milp, servers >= 5000 ? 1 : 3, milp.result);
  const ratio = greedy.result.totalCost > 0 ? milp.result.totalCost / greedy.result.totalCost : Number.NaN;
  const fullGreedy = greedy.result.unallocated.length === 0 && greedy.result.allocations.every((a) => !a.saturated);
  console.log(
    `  MILP/greedy cost ratio ${ratio.toFixed(4)}${fullGreedy ? "" : " (the greedy left servers short; MILP serves all or reports infeasible)"}  peak RSS ${mib()}`,
  );
}

export async function optimizerBenchmark(): Promise<void> {
  console.log("\n== optimizer ==");
  await fixtureCases();
  for (const servers of [100, 1000, 5000]) await syntheticCase(servers, 20);
}
