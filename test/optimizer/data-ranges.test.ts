import { SYSTEM_SECTIONS, type DocumentKey } from "../../src/optimizer/parse.js";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { OptimizerDataError, type NumberRange } from "../../src/optimizer/json-fields.js";
import { RANGES } from "../../src/optimizer/limits.js";
import { DATA_FILES } from "../../src/optimizer/load-dir.js";
import { parseSystem, systemDocuments } from "../../src/optimizer/parse.js";
import { solveSystem } from "../../src/optimizer/solve.js";
import { SOLVERS } from "../../src/optimizer/solution.js";
import type { SystemSpec } from "../../src/optimizer/spec.js";
import { INFERNO } from "../support/inferno.js";

type Json = Record<string, unknown>;

const SECTIONS = SYSTEM_SECTIONS;

/** A fixture as one system-data body (the REST shape); V3 is V2's small instance with perfParms. */
function systemBody(dir: string, version: "v1" | "v2" | "v3" = "v1"): Json {
  const system: Json = {};
  for (const [key, section] of Object.entries(SECTIONS))
    system[section] = JSON.parse(readFileSync(join(INFERNO, dir, DATA_FILES[key as DocumentKey]), "utf8"));
  const servers = (system.serverData as { servers: Json[] }).servers;
  servers.splice(4);
  for (const server of servers) server.currentAlloc = { accelerator: "", ...(server.currentAlloc as Json) };
  if (version === "v3")
    for (const model of (system.modelData as { models: Json[] }).models) {
      const decode = model.decodeParms as Json;
      model.perfParms = { alpha: decode.alpha, beta: 0.01, gamma: 0.0001 };
      delete model.decodeParms;
      delete model.prefillParms;
    }
  return { system };
}

/** One number the parser reads: where it sits in an entry, its range, and which entries have it. */
interface Field {
  section: string;
  list: string;
  path: string[];
  range: NumberRange;
  name: string;
}

const field = (section: Field["section"], list: string, path: string, range: NumberRange): Field => ({
  section,
  list,
  path: path.split("."),
  range,
  name: path.split(".").at(-1)!,
});

const COMMON: Field[] = [
  field("acceleratorData", "accelerators", "multiplicity", RANGES.multiplicity),
  field("acceleratorData", "accelerators", "cost", RANGES.acceleratorCost),
  field("capacityData", "count", "count", RANGES.capacityCount),
  field("modelData", "models", "accCount", RANGES.accCount),
  field("modelData", "models", "maxBatchSize", RANGES.maxBatchSize),
  field("modelData", "models", "atTokens", RANGES.atTokens),
  field("serviceClassData", "serviceClasses", "priority", RANGES.priority),
  field("serverData", "servers", "minNumReplicas", RANGES.minReplicas),
  field("serverData", "servers", "maxBatchSize", RANGES.batchOverride),
  field("serverData", "servers", "currentAlloc.load.arrivalRate", RANGES.arrivalRate),
  field("serverData", "servers", "currentAlloc.numReplicas", RANGES.allocationCount),
  field("serverData", "servers", "currentAlloc.maxBatch", RANGES.allocationCount),
  field("serverData", "servers", "currentAlloc.cost", RANGES.allocationCost),
  field("serverData", "servers", "currentAlloc.itlAverage", RANGES.allocationTime),
];

const FIELDS: Record<"v1" | "v2" | "v3", Field[]> = {
  v1: [
    ...COMMON,
    field("modelData", "models", "alpha", RANGES.perfTime),
    field("modelData", "models", "beta", RANGES.perfTime),
    field("serviceClassData", "serviceClasses", "slo-itl", RANGES.sloTime),
    field("serviceClassData", "serviceClasses", "slo-ttw", RANGES.sloTime),
    field("serviceClassData", "serviceClasses", "slo-tps", RANGES.sloTps),
    field("serverData", "servers", "currentAlloc.load.avgLength", RANGES.tokens),
    field("serverData", "servers", "currentAlloc.waitAverage", RANGES.allocationTime),
  ],
  v2: [
    ...COMMON,
    field("modelData", "models", "decodeParms.alpha", RANGES.perfTime),
    field("modelData", "models", "decodeParms.beta", RANGES.perfTime),
    field("modelData", "models", "prefillParms.gamma", RANGES.perfTime),
    field("modelData", "models", "prefillParms.delta", RANGES.perfTime),
    field("serviceClassData", "serviceClasses", "modelTargets.0.slo-ttft", RANGES.sloTime),
    field("serviceClassData", "serviceClasses", "modelTargets.0.slo-itl", RANGES.sloTime),
    field("serverData", "servers", "currentAlloc.load.avgInTokens", RANGES.tokens),
    field("serverData", "servers", "currentAlloc.load.avgOutTokens", RANGES.tokens),
  ],
  v3: [
    ...COMMON,
    field("modelData", "models", "perfParms.alpha", RANGES.perfTime),
    field("modelData", "models", "perfParms.beta", RANGES.perfTime),
    field("modelData", "models", "perfParms.gamma", RANGES.perfTime),
    field("serverData", "servers", "currentAlloc.load.avgOutTokens", RANGES.tokens),
  ],
};

const INSTANCES = { v1: "v1/tiny", v2: "v2/small", v3: "v2/small" } as const;

/** Sets a field of one entry, matching an existing key case-insensitively as the parser does. */
function setField(body: Json, f: Field, entry: number, value: number): void {
  const entries = ((body.system as Json)[f.section] as Json)[f.list] as Json[];
  let obj: Json = entries[entry % entries.length]!;
  const keyOf = (o: Json, name: string): string =>
    Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
  for (const segment of f.path.slice(0, -1)) {
    const key = keyOf(obj, segment);
    obj = (obj[key] ??= {}) as Json;
  }
  obj[keyOf(obj, f.name)] = value;
}

const parse = (body: Json): SystemSpec => parseSystem(systemDocuments(body, "body"));

const outside = (r: NumberRange): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constant(r.min - 1),
    fc.constant(r.max * 2 + 1),
    fc.constant(1e308),
    fc.constant(-1e308),
    ...(r.integer ? [fc.constant(Math.max(r.min, 0) + 0.5)] : []),
    ...(r.positiveMin !== undefined ? [fc.constant(r.positiveMin / 2), fc.constant(5e-324)] : []),
  );

const inside = (r: NumberRange): fc.Arbitrary<number> => {
  const low = r.positiveMin ?? r.min;
  const any = r.integer
    ? fc.integer({ min: Math.max(r.min, -(2 ** 31)), max: Math.min(r.max, 2 ** 31 - 1) })
    : fc.double({ min: low, max: r.max, noNaN: true });
  return fc.oneof(fc.constant(r.min), fc.constant(r.max), fc.constant(low), any);
};

describe("optimizer: every number of inferno's data has a documented range", () => {
  it("the reviewer's values are refused, naming the file, the entry and the range", () => {
    const cases: [string, number, RegExp][] = [
      [
        "maxBatchSize",
        1e308,
        /models\[0\]\.\(opt-125m on L4\)\.maxBatchSize: must be a whole number in \[1, 4096\] \(requests\), got 1e\+308/,
      ],
      [
        "atTokens",
        1e308,
        /models\[0\]\.\(opt-125m on L4\)\.atTokens: must be a whole number in \[1, 10000000\] \(tokens\)/,
      ],
      [
        "accCount",
        0,
        /models\[0\]\.\(opt-125m on L4\)\.accCount: must be a whole number in \[1, 1024\] \(accelerator units\), got 0/,
      ],
      [
        "alpha",
        1e308,
        /models\[0\]\.\(opt-125m on L4\)\.alpha: must be 0, or a number from 1e-9 to 1000000 \(ms\), got 1e\+308/,
      ],
    ];
    for (const [name, value, pattern] of cases) {
      const body = systemBody("v1/tiny");
      setField(body, field("modelData", "models", name, RANGES.maxBatchSize), 0, value);
      assert.throws(
        () => parse(body),
        (err: unknown) =>
          err instanceof OptimizerDataError &&
          /^body: system\.modelData\./.test(err.message) &&
          pattern.test(err.message),
        name,
      );
    }
    const body = systemBody("v1/tiny");
    setField(body, field("acceleratorData", "accelerators", "multiplicity", RANGES.multiplicity), 0, 1e308);
    assert.throws(
      () => parse(body),
      /accelerators\[0\]\.multiplicity: must be a whole number in \[1, 1024\] \(cards\), got 1e\+308/,
    );
  });

  it("a batch holding more than 10¹⁰ tokens, or a token taking no time, is refused", () => {
    const wide = systemBody("v1/tiny");
    setField(wide, field("modelData", "models", "maxBatchSize", RANGES.maxBatchSize), 0, 4096);
    setField(wide, field("modelData", "models", "atTokens", RANGES.atTokens), 0, 1e7);
    assert.throws(
      () => parse(wide),
      /\(opt-125m on L4\): maxBatchSize × atTokens .* at most 10000000000, got 40960000000/,
    );
    const instant = systemBody("v1/tiny");
    setField(instant, field("modelData", "models", "alpha", RANGES.perfTime), 0, 0);
    setField(instant, field("modelData", "models", "beta", RANGES.perfTime), 0, 0);
    assert.throws(() => parse(instant), /\(opt-125m on L4\): alpha and beta are both 0/);
  });

  for (const version of ["v1", "v2", "v3"] as const) {
    it(`property (${version}): a value outside its range is an OptimizerDataError naming the field and the range`, () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...FIELDS[version]).chain((f) => fc.tuple(fc.constant(f), fc.nat(40), outside(f.range))),
          ([f, entry, value]) => {
            const body = systemBody(INSTANCES[version], version);
            setField(body, f, entry, value);
            assert.throws(
              () => parse(body),
              (err: unknown) =>
                err instanceof OptimizerDataError &&
                err.message.startsWith(`body: system.${f.section}.${f.list}[`) &&
                err.message.includes(`${f.name}: must be`),
            );
          },
        ),
        { numRuns: 60 },
      );
    });

    it(`property (${version}): data within every range never makes a solver throw anything but OptimizerDataError`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.constantFrom(...FIELDS[version]).chain((f) => fc.tuple(fc.constant(f), fc.nat(40), inside(f.range))),
            { minLength: 1, maxLength: 3 },
          ),
          fc.constantFrom(...SOLVERS),
          async (edits, solver) => {
            const body = systemBody(INSTANCES[version], version);
            for (const [f, entry, value] of edits) setField(body, f, entry, value);
            try {
              const solution = await solveSystem(parse(body), solver, { timeLimitSeconds: 10, budgetSeconds: 0.2 });
              assert.ok(Number.isFinite(solution.totalCost), `total ${solution.totalCost}`);
              for (const [type, { used }] of solution.usage) assert.ok(Number.isFinite(used), `${type}: ${used} cards`);
            } catch (err) {
              if (!(err instanceof OptimizerDataError)) throw err;
            }
          },
        ),
        { numRuns: 25 },
      );
    });
  }
});
