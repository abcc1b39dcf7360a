import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { OptimizerDataError } from "../../src/optimizer/json-fields.js";
import { checkInstance, DEFAULT_INSTANCE_LIMITS, InstanceTooLargeError } from "../../src/optimizer/limits.js";
import { loadSystemDir } from "../../src/optimizer/load-dir.js";
import { parseSystem, systemDocuments } from "../../src/optimizer/parse.js";
import { solveSystem } from "../../src/optimizer/solve.js";
import { INFERNO } from "../support/inferno.js";

const systemData = (): { system: Record<string, Record<string, Record<string, unknown>[]>> } =>
  JSON.parse(readFileSync(join(INFERNO, "v1/small", "system-data.json"), "utf8")) as never;

describe("optimizer: instance limits", () => {
  it("refuses more servers or candidates than configured (413), naming the flag", () => {
    const large = loadSystemDir(join(INFERNO, "v1/large"));
    checkInstance(large, DEFAULT_INSTANCE_LIMITS);
    assert.throws(
      () => {
        checkInstance(large, { ...DEFAULT_INSTANCE_LIMITS, maxServers: 10 });
      },
      (err) =>
        err instanceof InstanceTooLargeError &&
        /27 servers exceed the limit of 10 \(--optimizer-max-servers\)/.test(err.message),
    );
    assert.throws(
      () => {
        checkInstance(large, { ...DEFAULT_INSTANCE_LIMITS, maxCandidates: 50 });
      },
      (err) =>
        err instanceof InstanceTooLargeError &&
        /candidates exceed the limit of 50 \(--optimizer-max-candidates\)/.test(err.message),
    );
  });

  it("refuses a batch the queue model cannot hold (400): maxBatchSize × atTokens / tokens per request", () => {
    const system = loadSystemDir(join(INFERNO, "v1/small"));
    const [model, byAccelerator] = [...system.perf][0]!;
    const perf = [...byAccelerator.values()][0]!;
    (byAccelerator as Map<string, typeof perf>).set(perf.accelerator, { ...perf, maxBatchSize: 4096, atTokens: 4096 });
    const server = system.servers.find((s) => s.model === model)!;
    server.load.avgOutTokens = 1;
    assert.throws(
      () => {
        checkInstance(system, DEFAULT_INSTANCE_LIMITS);
      },
      (err) =>
        err instanceof OptimizerDataError &&
        !(err instanceof InstanceTooLargeError) &&
        /a batch of 16777216 .* is beyond 4096/.test(err.message),
    );
  });

  /** Every number of the data, replaced by anything a JSON number can be. */
  const numberPaths = (value: unknown, path: (string | number)[] = []): (string | number)[][] => {
    if (typeof value === "number") return [path];
    if (Array.isArray(value)) return value.flatMap((v, i) => numberPaths(v, [...path, i]));
    if (typeof value === "object" && value !== null)
      return Object.entries(value).flatMap(([k, v]) => numberPaths(v, [...path, k]));
    return [];
  };
  const PATHS = numberPaths(systemData());
  const setAt = (root: unknown, path: (string | number)[], value: unknown): void => {
    const parent = path.slice(0, -1).reduce((node, key) => (node as Record<string | number, unknown>)[key], root);
    (parent as Record<string | number, unknown>)[path[path.length - 1]!] = value;
  };

  it("any number anywhere in the data is answered (solved with a finite cost) or refused with a data error, never a crash", async () => {
    const anyNumber = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.constantFrom(0, -1, 1e308, -1e308, 5e-324, 1e12, 1e7 + 1, 4097, 2 ** 53),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...PATHS), anyNumber), { minLength: 1, maxLength: 4 }),
        async (changes) => {
          const data = systemData();
          for (const [path, value] of changes) setAt(data, path, value);
          let system;
          try {
            system = parseSystem(systemDocuments(data, "body"));
            checkInstance(system, DEFAULT_INSTANCE_LIMITS);
          } catch (err) {
            assert.ok(err instanceof OptimizerDataError, String(err));
            return;
          }
          for (const solver of ["unlimited", "greedy"] as const) {
            const solution = await solveSystem(system, solver);
            assert.ok(Number.isFinite(solution.totalCost), `${solver}: total cost ${solution.totalCost}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
