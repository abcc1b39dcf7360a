import { strict as assert } from "node:assert";
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "./support/fixtures.js";
import { published } from "./support/inferno.js";

/** The shell commands of the README's ```sh blocks, continuation lines joined, comments dropped. */
function readmeCommands(readme: string): string[] {
  return [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) =>
    block[1]!
      .replace(/\\\n\s*/g, "")
      .split("\n")
      .map((line) => line.replace(/\s+#.*$/, "").trim())
      .filter((line) => line !== ""),
  );
}

/** Commands that need a cluster, a container engine or the suite itself: not run here. */
const ELSEWHERE = /^(kubectl|helm|docker|podman|kind) |^npm test$/;
/** The placeholder the README uses for "your inferno data directory", and one that fits it. */
const DIR_EXAMPLE = "test/fixtures/inferno/v2/small";

/**
 * A copy of the working tree as `git clone` would hold it (tracked and new, not ignored files),
 * in `<tmp>/inferplane` with no `shared/` beside it; node_modules is linked instead of a second
 * `npm ci` (whose `prepare` builds: `npm start` builds again, as its `prestart`).
 */
function cloneWorkingTree(): string {
  const parent = mkdtempSync(join(tmpdir(), "inferplane-clone-"));
  const clone = join(parent, "inferplane");
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  })
    .split("\0")
    .filter((file) => file !== "" && existsSync(join(REPO_ROOT, file)));
  for (const file of files) {
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    cpSync(join(REPO_ROOT, file), join(clone, file), { verbatimSymlinks: true });
  }
  symlinkSync(join(REPO_ROOT, "node_modules"), join(clone, "node_modules"));
  return clone;
}

/** `npm start -- --port 0 --metrics-port 0` in its own process group; resolves with the webhook port. */
async function npmStart(cwd: string): Promise<{ child: ChildProcess; port: number; optimizerPort: number }> {
  const child = spawn("npm", ["start", "--", "--port", "0", "--metrics-port", "0", "--optimizer-port", "0"], {
    cwd,
    detached: true,
  });
  let output = "";
  const [port, optimizerPort] = await new Promise<[number, number]>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const serving = /"msg":"serving".*?"webhookPort":(\d+),"optimizerPort":(\d+)/.exec(output);
      if (serving) resolve([Number(serving[1]), Number(serving[2])]);
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => {
      reject(new Error(`npm start exited ${String(code)}:\n${output}`));
    });
  });
  return { child, port, optimizerPort };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(-child.pid, "SIGTERM");
  await exited;
}

function sh(command: string, cwd: string): string {
  return execFileSync("sh", ["-c", command], {
    cwd,
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function documented(readme: string, name: string): unknown {
  const block = new RegExp(`<!-- readme-test: ${name} -->\\n\`\`\`json\\n([\\s\\S]*?)\`\`\``).exec(readme);
  assert.ok(block, `README block ${name}`);
  return JSON.parse(block[1]!) as unknown;
}

describe("README", () => {
  let readme: string;
  before(() => {
    readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  });

  it("opens with the install-and-run and the test commands, and both scripts exist", () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    assert.match(firstBlock, /^npm ci && npm start\b/m);
    assert.match(firstBlock, /^npm test\b/m);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    assert.match(pkg.scripts.start!, /serve --standalone/);
    assert.match(pkg.scripts.test!, /npm run test:unit && npm run test:integration/);
    assert.match(pkg.scripts["test:unit"]!, /^mocha /);
    assert.match(pkg.scripts["test:integration"]!, /^mocha /);
    assert.match(readFileSync(join(REPO_ROOT, ".ci", "run"), "utf8"), /^npm test$/m);
  });

  describe("in a clone of the working tree with no folder beside it", function () {
    this.timeout(180_000);
    let clone: string;
    let server: { child: ChildProcess; port: number; optimizerPort: number } | undefined;
    let commands: string[];

    before(async () => {
      clone = cloneWorkingTree();
      assert.ok(!existsSync(join(dirname(clone), "shared")));
      commands = readmeCommands(readme);
      server = await npmStart(clone);
    });
    after(async () => {
      if (server) await stop(server.child);
      rmSync(dirname(clone), { recursive: true, force: true });
    });

    it("holds nothing that reaches outside it", () => {
      const outside = ["..", "shared"].join("/");
      const grep = spawnSync("grep", ["-rlF", "--exclude-dir=node_modules", "--exclude-dir=dist", outside, "."], {
        cwd: clone,
        encoding: "utf8",
      });
      assert.equal(grep.status, 1, `files naming ${outside}:\n${grep.stdout}${grep.stderr}`);
    });

    it("every README command runs there, except those that need a cluster or an image engine", () => {
      const run = commands.filter((c) => !ELSEWHERE.test(c));
      assert.ok(run.some((c) => c === "npm ci && npm start"));
      for (const command of run.filter((c) => c.startsWith("npx inferplane "))) {
        const line = command.replace(/\bDIR\b/, DIR_EXAMPLE);
        try {
          sh(line, clone);
        } catch (err) {
          assert.fail(`${line}: ${String((err as { stderr?: string }).stderr)}`);
        }
      }
      const curls = run.filter((c) => c.startsWith("curl "));
      assert.equal(curls.length, 3, curls.join("\n"));
      assert.deepEqual(
        run.filter((c) => !c.startsWith("npx inferplane ") && !c.startsWith("curl ")),
        ["npm ci && npm start"],
        "a README command this test does not run",
      );
    });

    it("npm start serves the documented curl examples, with their documented replies", () => {
      const curl = (path: string): string => {
        const command = commands.find((c) => c.startsWith("curl ") && c.includes(path))!;
        return command
          .replace("https://localhost:9443", `https://localhost:${String(server!.port)}`)
          .replace("https://localhost:9444", `https://localhost:${String(server!.optimizerPort)}`);
      };
      const mutate = JSON.parse(sh(curl("/mutate"), clone)) as { response: { allowed: boolean; patch: string } };
      assert.equal(mutate.response.allowed, true);
      assert.deepEqual(
        JSON.parse(Buffer.from(mutate.response.patch, "base64").toString()),
        documented(readme, "worker-pod-patch"),
      );
      assert.deepEqual(JSON.parse(sh(curl("/scheduler/filter"), clone)), documented(readme, "extender-filter"));
      const solved = JSON.parse(sh(curl("/optimizer/solve"), join(clone, DIR_EXAMPLE))) as {
        solver: string;
        allocations: Record<string, unknown>;
        unallocated: unknown[];
      };
      assert.deepEqual([solved.solver, solved.unallocated], ["milp", []]);
      assert.deepEqual(Object.keys(solved.allocations).sort(), Object.keys(published("v2/small")).sort());
    });
  });
});
