import { join } from "node:path";
import { candidateOn, computeCandidates } from "../src/optimizer/candidates.js";
import { loadSystemDir } from "../src/optimizer/load-dir.js";
import {
  solveBudgetedSystem,
  solveGreedySystem,
  solveMilpSystem,
  solveSystem,
  solveUnlimitedSystem,
} from "../src/optimizer/solve.js";
import type { Solution } from "../src/optimizer/solution.js";
import { solveBudgeted } from "../src/optimizer/solvers/budgeted.js";
import type { SystemSpec } from "../src/optimizer/spec.js";
import { syntheticSystem, withCapacity } from "./optimizer-instances.js";
import { fmt, percentile } from "./stats.js";

const FIXTURES = join(import.meta.dirname, "..", "test", "fixtures", "inferno");
const MILP_OPTIONS = { timeLimitSeconds: 120 };
const BUDGET_SECONDS = 2;

/** Issue 17's figures before this work (its benchmark run), printed beside today's. */
const BEFORE: Record<number, { sizing: number; milp?: number; greedyGap?: number }> = {
  100: { sizing: 0.22 },
  1000: { sizing: 2.2, milp: 14.0, greedyGap: 0.36 },
  5000: { sizing: 10.6, milp: 31.7, greedyGap: 0.31 },
};

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
  line("greedy (limited, V1 SolveLimited)", greedy, 20, greedy.result);
  const budgeted = await timed(5, () => solveBudgetedSystem(large, computeCandidates(large), BUDGET_SECONDS));
  line(`budgeted (${BUDGET_SECONDS} s, limited)`, budgeted, 5, budgeted.result);
  const milp = await timed(5, () => solveMilpSystem(large, computeCandidates(large), MILP_OPTIONS));
  line("MILP (limited)", milp, 5, milp.result);
  const mixed: SystemSpec = { ...large, optimizer: { ...large.optimizer, heterogeneous: true } };
  const hetero = await timed(3, () => solveMilpSystem(mixed, computeCandidates(mixed), MILP_OPTIONS));
  line("MILP heterogeneous (limited)", hetero, 3, hetero.result);
  console.log(`  peak RSS so far ${mib()}`);
}

/** Sizing as it was before the cache: every (server, accelerator) pair sized on its own — the floor to compare with. */
function uncachedSizing(system: SystemSpec): number {
  let count = 0;
  for (const server of system.servers)
    for (const accelerator of system.accelerators.keys()) if (candidateOn(server, accelerator, system)) count++;
  return count;
}

const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function syntheticCase(servers: number, accelerators: number): Promise<void> {
  const before = BEFORE[servers];
  const base = syntheticSystem(servers, accelerators);
  const runs = servers >= 5000 ? 3 : servers >= 1000 ? 5 : 10;
  const sizing = await timed(runs, () => computeCandidates(base));
  const loose = sizing.result;
  console.log(
    `${servers} servers × ${accelerators} accelerators (${loose.reduce((n, c) => n + c.candidates.length, 0)} candidates):`,
  );
  let floor = "";
  if (servers <= 1000) {
    const uncached = await timed(1, () => uncachedSizing(base));
    floor = `; uncached in the same run ${secs(uncached.p50)}, ×${(uncached.p50 / sizing.p50).toFixed(1)}`;
  }
  console.log(
    `  ${"candidate sizing".padEnd(34)} p50 ${secs(sizing.p50).padStart(10)}  p99 ${secs(sizing.p99).padStart(10)}  (${runs} runs)  before ${before?.sizing ?? "-"} s${floor}`,
  );
  const system = withCapacity(base, solveUnlimitedSystem(base, loose).usage, 0.75, 0.5);
  const greedy = await timed(runs, () => solveGreedySystem(system, loose));
  const milp = await timed(1, () => solveMilpSystem(system, loose, MILP_OPTIONS));
  const budgeted = await timed(3, () => solveBudgeted(system, loose, BUDGET_SECONDS));
  const budgetedSolution = await solveBudgetedSystem(system, loose, BUDGET_SECONDS);
  const endToEnd = await timed(3, () =>
    solveSystem(system, "budgeted", { ...MILP_OPTIONS, budgetSeconds: BUDGET_SECONDS }),
  );
  const optimum = milp.result.totalCost;
  line("greedy (repaired)", greedy, runs, greedy.result);
  line("MILP, warm-started from the greedy", milp, 1, milp.result);
  line(`budgeted (${BUDGET_SECONDS} s)`, budgeted, 3, budgetedSolution);
  line(`sizing + budgeted (${BUDGET_SECONDS} s in all)`, endToEnd, 3, endToEnd.result);
  console.log(
    `  MILP ${secs(milp.p50)} (before ${before?.milp ?? "-"} s); greedy ${pct(greedy.result.totalCost / optimum - 1)} above the optimum (before ${before?.greedyGap === undefined ? "-" : pct(before.greedyGap)}); budgeted ${pct(budgetedSolution.totalCost / optimum - 1)} above it, found by ${budgeted.result.foundBy}, ${budgeted.result.status}; peak RSS ${mib()}`,
  );
}

export async function optimizerBenchmark(): Promise<void> {
  console.log("\n== optimizer ==");
  await fixtureCases();
  for (const servers of [100, 1000, 5000]) await syntheticCase(servers, 20);
}
