import { join } from "node:path";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { FIXTURES } from "./fixtures.js";
import type { AcceleratorSpec, PerfSpec, ServerSpec, ServiceClassSpec, SystemSpec } from "../../src/optimizer/spec.js";

export const INFERNO = join(FIXTURES, "inferno");

export interface PublishedAllocation {
  accelerator: string;
  numReplicas: number;
  maxBatch: number;
  cost: number;
}

export function published(dir: string): Record<string, PublishedAllocation> {
  const body = JSON.parse(readFileSync(join(INFERNO, dir, "solution-data.json"), "utf8")) as {
    allocations: Record<string, PublishedAllocation>;
  };
  return body.allocations;
}

/**
 * inferno's system-data body of v1/small with v1/large's catalog and its 27 servers `copies`
 * times over (36: 972 servers, under the default limit of 1000): seconds of candidate sizing.
 */
export function largeSystemData(copies: number): { system: Record<string, unknown> } {
  const read = (dir: string, file: string): unknown => JSON.parse(readFileSync(join(INFERNO, dir, file), "utf8"));
  const body = read("v1/small", "system-data.json") as { system: Record<string, unknown> };
  const servers = (read("v1/large", "server-data.json") as { servers: { name: string }[] }).servers;
  body.system.acceleratorData = read("v1/large", "accelerator-data.json");
  body.system.modelData = read("v1/large", "model-data.json");
  body.system.serviceClassData = read("v1/large", "serviceclass-data.json");
  body.system.serverData = {
    servers: Array.from({ length: copies }, (_, i) => servers.map((s) => ({ ...s, name: `${s.name}-${i}` }))).flat(),
  };
  return body;
}

export interface PublishedTotal {
  dir: string;
  solver: "unlimited" | "greedy";
  total: number;
}

/**
 * The published totals, read from the fixtures' README table (one row per folder, with its
 * provenance), so a folder added there with its row is tested without editing a test.
 */
export function publishedTotals(): PublishedTotal[] {
  const rows = readFileSync(join(INFERNO, "README.md"), "utf8")
    .split("\n")
    .map((line) => line.split("|").map((cell) => cell.trim()))
    .filter((cells) => cells.length === 7 && /^v\d\//.test(cells[1]!) && /^\d+$/.test(cells[5]!));
  return rows.map((cells) => ({
    dir: cells[1]!,
    solver: cells[4]!.startsWith("unlimited") ? "unlimited" : "greedy",
    total: Number(cells[5]),
  }));
}

/** A small V1 system built in code: accelerator types, models and servers drawn by fast-check. */
export interface RandomInstance {
  accelerators: { cost: number; capacity: number }[];
  models: { alpha: number; beta: number; maxBatchSize: number; accCount: number; on: boolean[] }[];
  servers: { model: number; rate: number; tokens: number; itlSlack: number; ttw: number; priority: number }[];
}

export const randomInstance: fc.Arbitrary<RandomInstance> = fc.integer({ min: 2, max: 4 }).chain((types) =>
  fc.record({
    accelerators: fc.array(
      fc.record({ cost: fc.integer({ min: 1, max: 60 }), capacity: fc.integer({ min: 0, max: 40 }) }),
      { minLength: types, maxLength: types },
    ),
    models: fc.array(
      fc.record({
        alpha: fc.double({ min: 5, max: 60, noNaN: true }),
        beta: fc.double({ min: 0.05, max: 2, noNaN: true }),
        maxBatchSize: fc.integer({ min: 2, max: 64 }),
        accCount: fc.integer({ min: 1, max: 2 }),
        on: fc.array(fc.boolean(), { minLength: types, maxLength: types }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    servers: fc.array(
      fc.record({
        model: fc.nat(),
        rate: fc.integer({ min: 0, max: 300 }),
        tokens: fc.constantFrom(128, 512, 1024),
        itlSlack: fc.double({ min: 1.2, max: 4, noNaN: true }),
        ttw: fc.constantFrom(0, 200, 1000),
        priority: fc.integer({ min: 1, max: 3 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  }),
);

export function systemFrom(instance: RandomInstance, heterogeneous = false): SystemSpec {
  const accelerators = new Map<string, AcceleratorSpec>();
  instance.accelerators.forEach((a, i) =>
    accelerators.set(`acc${i}`, { name: `acc${i}`, type: `type${i}`, multiplicity: 1, cost: a.cost }),
  );
  const perf = new Map<string, Map<string, PerfSpec>>();
  instance.models.forEach((m, i) => {
    const byAcc = new Map<string, PerfSpec>();
    m.on.forEach((on, j) => {
      if (on || j === 0)
        byAcc.set(`acc${j}`, {
          model: `m${i}`,
          accelerator: `acc${j}`,
          accCount: m.accCount,
          maxBatchSize: m.maxBatchSize,
          atTokens: 512,
          alpha: m.alpha * (1 + j / 4),
          beta: m.beta,
          gamma: 0,
          delta: 0,
        });
    });
    perf.set(`m${i}`, byAcc);
  });
  const serviceClasses = new Map<string, ServiceClassSpec>();
  const servers: ServerSpec[] = instance.servers.map((s, i) => {
    const modelIndex = s.model % instance.models.length;
    const model = instance.models[modelIndex]!;
    const className = `class${i}`;
    const itl = (model.alpha + model.beta * model.maxBatchSize) * s.itlSlack;
    serviceClasses.set(className, {
      name: className,
      priority: s.priority,
      targets: new Map([[`m${modelIndex}`, { itl, ttw: s.ttw, ttft: 0, tps: 0 }]]),
    });
    return {
      name: `server${i}`,
      serviceClass: className,
      model: `m${modelIndex}`,
      keepAccelerator: false,
      minNumReplicas: 0,
      maxBatchSize: 0,
      load: { arrivalRate: s.rate, avgInTokens: 0, avgOutTokens: s.tokens },
    };
  });
  return {
    version: "v1",
    accelerators,
    perf,
    serviceClasses,
    servers,
    capacity: new Map(instance.accelerators.map((a, i) => [`type${i}`, a.capacity])),
    optimizer: {
      unlimited: false,
      heterogeneous,
      milpSolver: true,
      delayedBestEffort: false,
      saturationPolicy: "None",
    },
  };
}
