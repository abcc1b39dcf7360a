import { strict as assert } from "node:assert";
import { WorkQueue } from "../../../src/controllers/runtime/work-queue.js";

const tick = (ms = 5): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("runtime: work queue", () => {
  it("runs a key added several times before it runs once", async () => {
    const runs: string[] = [];
    const queue = new WorkQueue(async (key) => {
      runs.push(key);
      await tick();
    });
    queue.add("a");
    queue.add("a");
    queue.add("b");
    queue.add("a");
    queue.start();
    await queue.idle();
    assert.deepEqual(runs.sort(), ["a", "b"]);
  });

  it("never runs one key twice at once, and runs it again when it was added while running", async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const queue = new WorkQueue(
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        runs++;
        if (runs === 1) queue.add("k");
        await tick(10);
        running--;
      },
      { workers: 4 },
    );
    queue.start();
    queue.add("k");
    await tick(1);
    await queue.idle();
    assert.equal(maxRunning, 1);
    assert.equal(runs, 2);
  });

  it("runs up to `workers` keys at once", async () => {
    let running = 0;
    let maxRunning = 0;
    const queue = new WorkQueue(
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await tick(10);
        running--;
      },
      { workers: 3 },
    );
    for (let i = 0; i < 10; i++) queue.add(`k${i}`);
    queue.start();
    await queue.idle();
    assert.equal(maxRunning, 3);
  });

  it("retries a failing key with doubling delays, and resets after a success", async () => {
    const delays: number[] = [];
    let calls = 0;
    const queue = new WorkQueue(
      () => {
        calls++;
        return calls <= 3 ? Promise.reject(new Error("boom")) : Promise.resolve();
      },
      {
        minRetryMs: 5,
        maxRetryMs: 15,
        onFailure: (_key, _err, _attempt, delayMs) => delays.push(delayMs),
      },
    );
    queue.start();
    queue.add("k");
    const deadline = Date.now() + 2000;
    while (calls < 4 && Date.now() < deadline) await tick();
    assert.deepEqual(delays, [5, 10, 15]);
    assert.equal(calls, 4);
    await queue.stop();
  });

  it("takes no keys after stop, and stop waits for the running one", async () => {
    let finished = false;
    const queue = new WorkQueue(async () => {
      await tick(20);
      finished = true;
    });
    queue.start();
    queue.add("k");
    await tick(1);
    await queue.stop();
    assert.ok(finished);
    queue.add("later");
    await tick(10);
    assert.equal(queue.length, 1, "queued, not run");
  });
});
