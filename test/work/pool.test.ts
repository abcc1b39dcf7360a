import { strict as assert } from "node:assert";
import {
  JobTimeoutError,
  QueueFullError,
  RemoteError,
  WorkerFailedError,
  WorkerPool,
  type PoolOptions,
} from "../../src/work/pool.js";
import type { PoolTestJob } from "../support/pool-worker.js";

const SCRIPT = new URL("../support/pool-worker.ts", import.meta.url);

describe("worker pool: a fixed number of threads, one bounded queue", function () {
  this.timeout(60_000);
  const pools: WorkerPool<PoolTestJob, string, string>[] = [];
  const pool = (options: Partial<PoolOptions> = {}): WorkerPool<PoolTestJob, string, string> => {
    const p = new WorkerPool<PoolTestJob, string, string>({
      what: "the test pool",
      script: SCRIPT,
      size: 1,
      queueLimit: 1,
      timeoutMs: 30_000,
      ...options,
    });
    pools.push(p);
    return p;
  };
  after(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it("runs jobs in a worker; a job's exception keeps its class name; a broadcast reaches the workers", async () => {
    const p = pool();
    assert.equal(await p.run({ kind: "echo", text: "a" }), "a");
    const thrown = await p.run({ kind: "throw" }).catch((err: unknown) => err);
    assert.ok(thrown instanceof RemoteError);
    assert.deepEqual([thrown.remoteName, thrown.message], ["TypeError", "a bad job"]);
    p.broadcast("+state");
    assert.equal(await p.run({ kind: "echo", text: "b" }), "b+state");
  });

  it("turns a job away at once when the worker is busy and the queue is full; a priority job still goes first", async () => {
    const p = pool({ size: 1, queueLimit: 1 });
    const running = p.run({ kind: "wait", ms: 1000 });
    const queued = p.run({ kind: "echo", text: "queued" });
    const refused = await p.run({ kind: "echo", text: "refused" }).catch((err: unknown) => err);
    assert.ok(refused instanceof QueueFullError);
    assert.ok(refused.retryAfterSeconds >= 1);
    assert.match(refused.message, /the test pool is busy/);
    const order: string[] = [];
    const priority = p.run({ kind: "echo", text: "priority" }, { priority: true }).then((r) => order.push(r));
    await Promise.all([running, queued.then((r) => order.push(r)), priority]);
    assert.deepEqual(order, ["priority", "queued"]);
  });

  it("stops a job past its deadline, and the next job gets a fresh worker", async () => {
    const p = pool({ timeoutMs: 300 });
    await assert.rejects(p.run({ kind: "spin" }), JobTimeoutError);
    assert.equal(await p.run({ kind: "echo", text: "after" }, { timeoutMs: 30_000 }), "after");
  });

  it("a job that exceeds the worker's heap limit kills the worker, not the process", async () => {
    const p = pool({ resourceLimits: { maxOldGenerationSizeMb: 32 } });
    await assert.rejects(p.run({ kind: "hog" }), WorkerFailedError);
    assert.equal(await p.run({ kind: "echo", text: "alive" }), "alive");
  });

  it("a worker that exits fails its job and is replaced", async () => {
    const p = pool();
    await assert.rejects(p.run({ kind: "exit" }), /worker (exited with code 3|failed)/);
    assert.equal(await p.run({ kind: "echo", text: "again" }), "again");
  });
});
