import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main.js";
import { httpGet } from "../support/https-client.js";
import { REPO_ROOT } from "../support/fixtures.js";
import { INFERNO, largeSystemData, published } from "../support/inferno.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

interface Report {
  allocations: Record<
    string,
    { accelerator: string; numReplicas: number; cost: number; ttftAverage?: number; waitAverage?: number }
  >;
  solver: string;
  status: string;
  totalCost: number;
  unallocated: { server: string; reason: string }[];
  greedy?: { totalCost: number; gap: number };
}

describe("optimizer: CLI", () => {
  it("optimize DIR prints a row per server and the published total", async () => {
    const { code, out } = await cli("optimize", join(INFERNO, "v1/large-light"));
    assert.equal(code, 0);
    assert.match(out, /^SERVER\s+CLASS\s+MODEL\s+ACCELERATOR\s+REPLICAS\s+BATCH\s+ITL\(ms\)\s+WAIT\(ms\)\s+COST$/m);
    assert.equal(out.split("\n").filter((l) => /^(Premium|Bronze|Free|Silver|Gold)-/.test(l)).length, 27);
    assert.match(out, /total cost: 2669\.00 cents\/hour \(unlimited, optimal\)/);
  });

  it("--json writes inferno's solution-data.json shape, costs as published", async () => {
    const { code, out } = await cli("optimize", join(INFERNO, "v2/small"), "--json");
    assert.equal(code, 0);
    const data = JSON.parse(out) as {
      allocations: Record<string, { cost: number; load: Record<string, number>; ttftAverage: number }>;
    };
    const expected = published("v2/small");
    assert.deepEqual(Object.keys(data.allocations).sort(), Object.keys(expected).sort());
    for (const [name, allocation] of Object.entries(data.allocations)) {
      assert.equal(allocation.cost, expected[name]!.cost, name);
      assert.deepEqual(Object.keys(allocation.load), ["arrivalRate", "avgInTokens", "avgOutTokens"]);
      assert.ok(allocation.ttftAverage > 0);
    }
  });

  it("--solver milp reports the optimum and the greedy's gap", async () => {
    const { code, out } = await cli("optimize", join(INFERNO, "v2/small"), "--solver", "milp");
    assert.equal(code, 0);
    const total = Number(/total cost: ([\d.]+) cents\/hour \(milp, optimal\)/.exec(out)?.[1]);
    const greedy = Number(/greedy on the same candidates: ([\d.]+) \(([\d.]+)% above the optimum\)/.exec(out)?.[1]);
    assert.equal(greedy, 43819);
    assert.ok(total > 0 && total <= greedy, `${total} vs ${greedy}`);
  });

  it("exits 1 naming what it could not allocate, and 2 for bad input", async () => {
    const partial = await cli("optimize", join(INFERNO, "v1/small"), "--solver", "greedy");
    assert.equal(partial.code, 1);
    assert.match(partial.out, /not allocated: Bronze-llama_70b: not enough accelerators left for one replica/);
    const infeasible = await cli("optimize", join(INFERNO, "v1/small"), "--solver", "milp");
    assert.equal(infeasible.code, 1);
    assert.match(infeasible.out, /\(milp, infeasible\)/);
    const missing = await cli("optimize", "/no/such/dir");
    assert.deepEqual(
      [missing.code, missing.err],
      [2, "inferplane optimize: /no/such/dir: no such file or directory\n"],
    );
    // A request this short makes a batch past what REST accepts: the CLI refuses it the same way.
    const dir = mkdtempSync(join(tmpdir(), "inferno-short-"));
    cpSync(join(INFERNO, "v1/small"), dir, { recursive: true });
    const servers = JSON.parse(readFileSync(join(dir, "server-data.json"), "utf8")) as {
      servers: { currentAlloc: { load: { avgLength: number } } }[];
    };
    servers.servers[0]!.currentAlloc.load.avgLength = 1;
    writeFileSync(join(dir, "server-data.json"), JSON.stringify(servers));
    const short = await cli("optimize", dir);
    rmSync(dir, { recursive: true, force: true });
    assert.equal(short.code, 2);
    assert.match(
      short.err,
      /a batch of \d+ \(maxBatchSize \d+ × atTokens \d+ \/ 1 tokens per request\) is beyond 4096/,
    );
    const badSolver = await cli("optimize", join(INFERNO, "v1/tiny"), "--solver", "simplex");
    assert.equal(badSolver.code, 2);
    assert.match(badSolver.err, /--solver must be one of unlimited, greedy, milp, budgeted/);
  });
});

describe("optimizer: POST /optimizer/solve", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  const systemData = (dir: string): Record<string, unknown> =>
    JSON.parse(readFileSync(join(INFERNO, dir, "system-data.json"), "utf8")) as Record<string, unknown>;

  it("answers inferno's system-data body with the allocations it chose", async () => {
    const reply = await t.optimizer.postJson("/optimizer/solve?solver=unlimited", systemData("v1/small"));
    assert.equal(reply.status, 200, reply.body);
    const report = reply.json as Report;
    assert.equal(report.totalCost, 35121);
    assert.deepEqual([report.solver, report.status, report.unallocated], ["unlimited", "optimal", []]);
    assert.equal(Object.keys(report.allocations).length, 15);
  });

  it("follows the body's optimizerData when no solver is asked for (v2/small: greedy, PriorityRoundRobin)", async () => {
    const reply = await t.optimizer.postJson("/optimizer/solve", systemData("v2/small"));
    const report = reply.json as Report;
    assert.equal(report.solver, "greedy");
    assert.ok(Object.values(report.allocations).every((a) => typeof a.ttftAverage === "number"));
    const milp = (await t.optimizer.postJson("/optimizer/solve?solver=milp", systemData("v2/small"))).json as Report;
    assert.ok(milp.totalCost <= report.totalCost);
    assert.equal(milp.greedy?.totalCost, report.totalCost);
  });

  it("solves off the main thread: admission keeps answering while the worker solves", async function () {
    this.timeout(120_000);
    // 36 × v1/large's 27 servers (under the default limits): MILP takes half a second or more.
    const body = largeSystemData(36);
    let solved = false;
    const solving = t.optimizer.postJson("/optimizer/solve?solver=milp", body).then((reply) => {
      solved = true;
      return reply;
    });
    // Once the pool reports the solve running (its gauge), admission is asked while it runs.
    const running = /^inferplane_worker_pool_jobs\{pool="optimizer",state="running"\} 1$/m;
    while (!running.test((await httpGet(t.server.metricsPort, "/metrics")).body) && !solved)
      await new Promise((resolve) => setTimeout(resolve, 5));
    const review = JSON.parse(
      readFileSync(join(REPO_ROOT, "examples", "admission", "mutate-worker-pod.json"), "utf8"),
    ) as unknown;
    const answeredWhileSolving: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const reply = await t.client.postJson("/mutate", review);
      assert.equal(reply.status, 200);
      answeredWhileSolving.push(!solved);
    }
    const reply = await solving;
    assert.equal(reply.status, 200, reply.body);
    assert.equal((reply.json as Report).solver, "milp");
    assert.deepEqual(answeredWhileSolving, [true, true, true, true, true], "admission waited for the solve");
  });

  it("GET /invoke answers 503 where no control loop runs (standalone, or not the leader)", async () => {
    const res = await t.optimizer.get("/invoke");
    assert.equal(res.status, 503);
    assert.match(res.body, /runs on the leader, with --optimizer-interval-seconds > 0, in a cluster/);
  });

  it("a bad body is a 400 naming the entry; metrics record solves", async () => {
    const body = systemData("v1/small");
    (
      (body.system as Record<string, Record<string, unknown[]>>).serverData!.servers![0] as {
        currentAlloc: { load: { arrivalRate: number } };
      }
    ).currentAlloc.load.arrivalRate = -1;
    const bad = await t.optimizer.postJson("/optimizer/solve", body);
    assert.equal(bad.status, 400);
    assert.match(
      bad.body,
      /^body: system\.serverData\.servers\[0\]\.\(Premium-llama_13b\)\.currentAlloc\.load\.arrivalRate: must be 0, or a number from 1e-9 to 10000000 \(requests\/minute\), got -1/,
    );
    const notJson = await t.optimizer.post("/optimizer/solve", "{");
    assert.equal(notJson.status, 400);
    const wrongSolver = await t.optimizer.postJson("/optimizer/solve?solver=cplex", systemData("v1/small"));
    assert.equal(wrongSolver.status, 400);
    const metrics = await httpGet(t.server.metricsPort, "/metrics");
    assert.match(
      metrics.body,
      /inferplane_optimizer_solve_duration_seconds_count\{solver="unlimited",outcome="optimal"\} [1-9]/,
    );
    assert.match(
      metrics.body,
      /inferplane_optimizer_solve_duration_seconds_count\{solver="default",outcome="bad-request"\} 3/,
    );
    assert.match(metrics.body, /inferplane_optimizer_total_cost\{source="rest"\} \d+/);
  });

  it("a number out of its range is a 400 naming it and the range", async () => {
    const models = (body: Record<string, unknown>): Record<string, unknown>[] =>
      (body.system as Record<string, Record<string, Record<string, unknown>[]>>).modelData!.models!;
    const huge = systemData("v1/small");
    models(huge)[0]!.alpha = 1e308;
    const bad = await t.optimizer.postJson("/optimizer/solve", huge);
    assert.equal(bad.status, 400);
    assert.match(
      bad.body,
      /^body: system\.modelData\.models\[0\]\.\(.+ on .+\)\.alpha: must be 0, or a number from 1e-9 to 1000000 \(ms\), got 1e\+308/,
    );
    const tooWide = systemData("v1/small");
    models(tooWide)[0]!.maxBatchSize = 4097;
    const refused = await t.optimizer.postJson("/optimizer/solve", tooWide);
    assert.equal(refused.status, 400);
    assert.match(
      refused.body,
      /models\[0\]\.\(.+\)\.maxBatchSize: must be a whole number in \[1, 4096\] \(requests\), got 4097/,
    );
  });
});
