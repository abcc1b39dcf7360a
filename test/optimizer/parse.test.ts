import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OptimizerDataError } from "../../src/optimizer/json-fields.js";
import { loadSystemDir } from "../../src/optimizer/load-dir.js";
import { INFERNO } from "../support/inferno.js";
import { solveSystem } from "../../src/optimizer/solve.js";
import { toSolutionData } from "../../src/optimizer/solution-data.js";

const readJson = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;

type Json = Record<string, unknown>;

/** A copy of a fixture directory with one file rewritten. */
function withEdit(fixture: string, file: string, edit: (body: Json) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "inferno-"));
  cpSync(join(INFERNO, fixture), dir, { recursive: true });
  const path = join(dir, file);
  const body = JSON.parse(readFileSync(path, "utf8")) as Json;
  edit(body);
  writeFileSync(path, JSON.stringify(body));
  return dir;
}

function rejects(dir: string, pattern: RegExp): void {
  try {
    assert.throws(
      () => loadSystemDir(dir),
      (err: unknown) => err instanceof OptimizerDataError && pattern.test(err.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const list = (body: Json, key: string): Json[] => body[key] as Json[];

describe("optimizer: reading inferno data", () => {
  it("detects V1 and V2 from the model data", () => {
    assert.equal(loadSystemDir(join(INFERNO, "v1/small")).version, "v1");
    const v2 = loadSystemDir(join(INFERNO, "v2/small"));
    assert.equal(v2.version, "v2");
    const perf = v2.perf.get("granite_13b")?.get("G2");
    assert.deepEqual(perf && [perf.alpha, perf.beta, perf.gamma, perf.delta], [17.15, 0.34, 137.2, 0.010625]);
  });

  it("matches keys case-insensitively, as Go does (milpsolver, AvgInTokens)", () => {
    const v2 = loadSystemDir(join(INFERNO, "v2/small"));
    assert.deepEqual(v2.servers[0]?.load, { arrivalRate: 60, avgInTokens: 128, avgOutTokens: 1024 });
    const dir = withEdit("v2/small", "optimizer-data.json", (body) => {
      body.optimizer = { UNLIMITED: true, MilpSolver: true };
    });
    try {
      const { optimizer } = loadSystemDir(dir);
      assert.equal(optimizer.unlimited, true);
      assert.equal(optimizer.milpSolver, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a missing file is named", () => {
    const dir = mkdtempSync(join(tmpdir(), "inferno-"));
    cpSync(join(INFERNO, "v1/tiny"), dir, { recursive: true });
    rmSync(join(dir, "capacity-data.json"));
    rejects(dir, /capacity-data\.json: file not found/);
  });

  it("a model entry without performance data names the file, the entry and what is missing", () => {
    const dir = withEdit("v1/small", "model-data.json", (body) => {
      delete list(body, "models")[2]?.alpha;
    });
    rejects(
      dir,
      /model-data\.json: models\[2\]\.\(granite_13b on A100\): no performance data: V1 needs alpha and beta/,
    );
  });

  it("a negative request rate is refused with the server's name", () => {
    const dir = withEdit("v2/small", "server-data.json", (body) => {
      const server = list(body, "servers")[1] as { currentAlloc: { load: Json } };
      server.currentAlloc.load.arrivalRate = -5;
    });
    rejects(
      dir,
      /server-data\.json: servers\[1\]\.\(Premium-llama_70b\)\.currentAlloc\.load\.arrivalRate: must be 0, or a number from 1e-9 to 10000000 \(requests\/minute\), got -5/,
    );
  });

  it("a server whose model has no performance data, or whose class sets no target, is named", () => {
    rejects(
      withEdit("v1/tiny", "server-data.json", (body) => {
        list(body, "servers")[0]!.model = "gpt-9";
      }),
      /servers\[0\]\.\(Premium-opt-125m\)\.model: model "gpt-9" has no performance data/,
    );
    rejects(
      withEdit("v1/tiny", "server-data.json", (body) => {
        list(body, "servers")[0]!.class = "Gold";
      }),
      /servers\[0\]\.\(Premium-opt-125m\)\.class: service class "Gold" is not in the service class data/,
    );
  });

  it("refuses unknown saturation policies, unknown accelerators and V1/V2 mixes", () => {
    rejects(
      withEdit("v2/small", "optimizer-data.json", (body) => ((body.optimizer as Json).saturationPolicy = "Fair")),
      /saturationPolicy: must be one of None, PriorityExhaustive/,
    );
    rejects(
      withEdit("v1/tiny", "model-data.json", (body) => (list(body, "models")[0]!.acc = "TPU")),
      /accelerator "TPU" is not in the accelerator data/,
    );
    rejects(
      withEdit("v1/tiny", "serviceclass-data.json", (body) => (list(body, "serviceClasses")[0]!.modelTargets = [])),
      /modelTargets is V2, but the model data is V1/,
    );
  });

  it("refuses an accelerator, a capacity type or a model on an accelerator listed twice", () => {
    const twice = (key: string) => (body: Json) => {
      const entries = list(body, key);
      entries.push({ ...entries[0]! });
    };
    rejects(withEdit("v1/small", "accelerator-data.json", twice("accelerators")), /accelerator "\w+" is listed twice/);
    rejects(withEdit("v1/small", "capacity-data.json", twice("count")), /accelerator type "\w+" is counted twice/);
    rejects(withEdit("v1/small", "model-data.json", twice("models")), /model "[\w-]+" on "\w+" is listed twice/);
  });

  it("a server named __proto__ gets its allocation like any other", async () => {
    const dir = withEdit("v1/small", "server-data.json", (body) => {
      list(body, "servers")[0]!.name = "__proto__";
    });
    try {
      const solution = await solveSystem(loadSystemDir(dir));
      const data = JSON.parse(JSON.stringify(toSolutionData(solution))) as { allocations: Record<string, unknown> };
      assert.ok(Object.hasOwn(data.allocations, "__proto__"), Object.keys(data.allocations).join(","));
      assert.equal(
        Object.keys(data.allocations).length,
        list(readJson(join(dir, "server-data.json")), "servers").length,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a file that is not JSON says so", () => {
    const dir = mkdtempSync(join(tmpdir(), "inferno-"));
    cpSync(join(INFERNO, "v1/tiny"), dir, { recursive: true });
    writeFileSync(join(dir, "server-data.json"), "{ servers: ");
    rejects(dir, /server-data\.json: not valid JSON/);
  });
});
