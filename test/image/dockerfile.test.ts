import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../support/fixtures.js";
import { assembleImage, last, parseDockerfile, type AssembledStage } from "../support/dockerfile.js";

interface Package {
  version: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
}

/** Runs the image's ENTRYPOINT (its `node` is this one) with `args`, in the stage's WORKDIR. */
function entrypoint(stage: AssembledStage, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const [command, ...rest] = last(stage.stage, "ENTRYPOINT")!.words;
  assert.equal(command, "node");
  return spawnSync(process.execPath, [...rest, ...args], { cwd: stage.dir, encoding: "utf8" });
}

describe("the container image (Dockerfile), built without a container engine", function () {
  this.timeout(120_000);
  let dockerfile: string;
  let pkg: Package;
  let root: string;
  let runtime: AssembledStage;

  before(() => {
    dockerfile = readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8");
    pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as Package;
    root = mkdtempSync(join(tmpdir(), "inferplane-image-"));
    runtime = assembleImage(dockerfile, REPO_ROOT, join(root, "image")).at(-1)!;
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("is multi-stage: production dependencies only at runtime, a non-root user, the bin entry as entrypoint", () => {
    const stages = parseDockerfile(dockerfile);
    assert.ok(stages.length >= 2, "a build stage and a runtime stage");
    const final = stages.at(-1)!;
    const user = last(final, "USER")?.words[0] ?? "root";
    assert.ok(!/^(root|0)(:|$)/.test(user), `USER ${user}`);
    assert.match(user, /^\d+:\d+$/, "numeric, so runAsNonRoot can verify it");
    const runs = final.instructions.filter((i) => i.keyword === "RUN").map((i) => i.words.join(" "));
    assert.ok(
      runs.some((r) => /\bnpm ci\b.*--omit=dev/.test(r)),
      runs.join("\n"),
    );
    assert.ok(!runs.some((r) => /npm run build|tsc/.test(r)), "no compiler in the runtime stage");
    assert.deepEqual(last(final, "ENTRYPOINT")!.words, ["node", pkg.bin.inferplane]);
  });

  it("builds the TypeScript from exactly what it copies, and the entrypoint answers --version", () => {
    const { status, stdout, stderr } = entrypoint(runtime, ["--version"]);
    assert.equal(status, 0, stderr);
    assert.equal(stdout, `inferplane ${pkg.version}\n`);
  });

  it("holds what the server reads at runtime: the CRD schemas and the examples", () => {
    const typo = join(root, "typo.yaml");
    writeFileSync(
      typo,
      "apiVersion: workload.matrixinfer.ai/v1alpha1\nkind: ModelInfer\nmetadata: {name: m}\nspec:\n  template:\n    roles:\n      - name: a\n        replica: 2\n        entryTemplate: {spec: {containers: [{name: c, image: i}]}}\n",
    );
    const examples = entrypoint(runtime, ["validate", "-f", "examples/modelinfer-multinode.yaml"]);
    assert.equal(examples.stdout, "valid: ModelInfer default/llama-405b\n", examples.stderr);
    const checked = entrypoint(runtime, ["validate", "-f", typo]);
    assert.match(checked.stderr, /replica: unknown field; did you mean replicas\?/);
    renameSync(join(runtime.dir, "crds"), join(runtime.dir, "crds.away"));
    try {
      assert.notEqual(entrypoint(runtime, ["validate", "-f", typo]).status, 0, "without crds/ the check fails");
    } finally {
      renameSync(join(runtime.dir, "crds.away"), join(runtime.dir, "crds"));
    }
  });

  it("fails when a path the build needs is not copied", () => {
    const forgetful = dockerfile.replace(/^COPY scheduler-extender .*\n/m, "");
    assert.notEqual(forgetful, dockerfile);
    assert.throws(
      () => assembleImage(forgetful, REPO_ROOT, join(root, "forgetful")),
      /TS2307: Cannot find module '[./]*scheduler-extender\//,
    );
  });

  it("runs with production packages only, and the emulation refuses a RUN it cannot carry out", () => {
    const installed = readdirSync(join(runtime.dir, "node_modules"));
    for (const dependency of Object.keys(pkg.dependencies))
      assert.ok(installed.includes(dependency.split("/")[0]!), dependency);
    for (const tool of ["typescript", "mocha", "tsx", "eslint"]) assert.ok(!installed.includes(tool), tool);
    assert.deepEqual(readdirSync(runtime.dir).sort(), [
      "bin",
      "crds",
      "dist",
      "examples",
      "node_modules",
      "package-lock.json",
      "package.json",
    ]);
    assert.throws(
      () => assembleImage("FROM x\nWORKDIR /app\nRUN apt-get install -y curl\n", REPO_ROOT, join(root, "apt")),
      /cannot emulate RUN apt-get install -y curl/,
    );
  });
});
