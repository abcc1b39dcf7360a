import { strict as assert } from "node:assert";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { cli } from "../support/cli.js";
import { COMMAND_SPECS, FLAGS, type CommandName } from "../../src/cli/spec.js";
import { SERVE_DEFAULTS } from "../../src/config.js";
import { REPO_ROOT } from "../support/fixtures.js";

const COMMANDS = Object.keys(COMMAND_SPECS) as CommandName[];

async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

describe("CLI ergonomics", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "inferplane-cli-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("--help lists the commands; each command's --help lists exactly its flags, with their defaults", async () => {
    const global = await cli("--help");
    assert.equal(global.code, 0);
    for (const command of COMMANDS) assert.match(global.out, new RegExp(`^  ${command} `, "m"));
    for (const command of COMMANDS) {
      const { code, out, err } = await cli(command, "--help");
      assert.deepEqual([code, err], [0, ""], command);
      assert.match(out, new RegExp(`^usage: inferplane ${command} `));
      const listed = [...out.matchAll(/^ {2}(?:-\w, | {4})--([\w-]+)/gm)].map((m) => m[1]);
      assert.deepEqual(listed, [...COMMAND_SPECS[command].flags, "help", "version"], command);
    }
    const serve = (await cli("serve", "--help")).out;
    assert.match(serve, /^ {6}--port PORT +HTTPS port of the webhooks and the extender \(default 9443\)$/m);
    assert.match(serve, new RegExp(`--metrics-port PORT .*\\(default ${SERVE_DEFAULTS.metricsPort}\\)$`, "m"));
    assert.match(serve, /--shutdown-grace-ms MS .*\(default 25000\)$/m);
    assert.match((await cli("mutate", "-h")).out, /^ {2}-f, --file FILE /m);
  });

  it("--version prints package.json's version, alone or after a command", async () => {
    const { version } = JSON.parse(await readFile(join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
    assert.deepEqual(await cli("--version"), { code: 0, out: `inferplane ${version}\n`, err: "" });
    assert.equal((await cli("serve", "--version")).out, `inferplane ${version}\n`);
  });

  const flagsOf = (command: string): string => `run 'inferplane ${command} --help' for its flags`;
  const commands = "run 'inferplane --help' for the commands";
  const mistakes: Array<[string[], string, string]> = [
    [["serve", "--prot", "1"], "inferplane serve: unknown flag --prot; did you mean --port?", flagsOf("serve")],
    [
      ["serve", "--metric-port=1"],
      "inferplane serve: unknown flag --metric-port; did you mean --metrics-port?",
      flagsOf("serve"),
    ],
    [
      ["validate", "--files", "x"],
      "inferplane validate: unknown flag --files; did you mean --file?",
      flagsOf("validate"),
    ],
    [
      ["optimize", "--sover", "milp"],
      "inferplane optimize: unknown flag --sover; did you mean --solver?",
      flagsOf("optimize"),
    ],
    [["mutate", "--port", "1"], "inferplane mutate: unknown flag --port; it is a flag of serve", flagsOf("mutate")],
    [["mutate", "-x"], "inferplane mutate: unknown flag -x", flagsOf("mutate")],
    [["--prot"], "inferplane: unknown flag --prot", commands],
    [["serv"], "inferplane: unknown command serv; did you mean serve?", commands],
    [["serve", "--port"], "inferplane serve: Option '--port <value>' argument missing", flagsOf("serve")],
    [["serve", "now"], "inferplane serve: unexpected argument now", flagsOf("serve")],
  ];
  for (const [argv, message, hint] of mistakes) {
    it(`answers \`inferplane ${argv.join(" ")}\` with what to write instead`, async () => {
      assert.deepEqual(await cli(...argv), { code: 2, out: "", err: `${message}\n${hint}\n` });
    });
  }

  it("property: a flag with one letter dropped is answered with that flag", async () => {
    const pairs = COMMANDS.flatMap((command) =>
      COMMAND_SPECS[command].flags.filter((f) => f.length >= 4).map((flag) => [command, flag] as const),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...pairs), fc.nat(), async ([command, flag], at) => {
        const i = at % flag.length;
        const typo = flag.slice(0, i) + flag.slice(i + 1);
        fc.pre(!(typo in FLAGS));
        const { code, err } = await cli(command, `--${typo}`);
        assert.equal(code, 2);
        assert.match(err, new RegExp(`unknown flag --${typo}; did you mean --${flag}\\?`));
      }),
    );
  });

  describe("serve on a port that is taken", () => {
    let busy: { port: number; server: Server };
    before(async () => {
      busy = await occupiedPort();
    });
    after(() => {
      busy.server.close();
    });

    for (const [flag, argv] of [
      ["--port", (p: number) => ["--port", String(p), "--metrics-port", "0", "--optimizer-port", "0"]],
      ["--metrics-port", (p: number) => ["--port", "0", "--metrics-port", String(p), "--optimizer-port", "0"]],
      ["--optimizer-port", (p: number) => ["--port", "0", "--metrics-port", "0", "--optimizer-port", String(p)]],
    ] as const) {
      it(`names the port and ${flag}, without a stack trace`, async () => {
        const { code, err } = await cli(
          "serve",
          "--standalone",
          "--log-level",
          "error",
          "--cert-dir",
          join(dir, "certs"),
          ...argv(busy.port),
        );
        assert.equal(code, 2);
        assert.equal(
          err,
          `inferplane serve: port ${busy.port} on :: is already in use; stop what listens there or choose another with ${flag} PORT\n`,
        );
      });
    }

    it("refuses the same port for both servers before trying", async () => {
      const { code, err } = await cli("serve", "--standalone", "--port", "9555", "--metrics-port", "9555");
      assert.equal(code, 2);
      assert.equal(err, "inferplane serve: --port and --metrics-port are both 9555; give each its own port\n");
      const optimizer = await cli("serve", "--standalone", "--port", "9556", "--optimizer-port", "9556");
      assert.deepEqual(
        [optimizer.code, optimizer.err],
        [2, "inferplane serve: --port and --optimizer-port are both 9556; give each its own port\n"],
      );
    });
  });

  describe("validate on our own kinds", () => {
    const role = (fields: string): string =>
      `apiVersion: workload.matrixinfer.ai/v1alpha1\nkind: ModelInfer\nmetadata: {name: m}\nspec:\n  template:\n    roles:\n      - ${fields}\n        entryTemplate: {spec: {containers: [{name: a, image: b}]}}\n`;

    it("warns about misspelt fields, naming the field and the one meant, as strict field validation would", async () => {
      const file = join(dir, "typos.yaml");
      await writeFile(
        file,
        role(
          "name: serve\n        replica: 2\n        workerReplica: 1\n        workerTemplate: {spec: {containers: [{name: w, image: b}]}}",
        ),
      );
      const { code, out, err } = await cli("validate", "-f", file);
      assert.equal(code, 0);
      assert.equal(out, "valid: ModelInfer default/m\n");
      assert.equal(
        err,
        "warning: ModelInfer default/m: spec.template.roles[0].replica: unknown field; did you mean replicas?\n" +
          "warning: ModelInfer default/m: spec.template.roles[0].workerReplica: unknown field; did you mean workerReplicas?\n",
      );
    });

    it("answers a missing required field with a field error, not a TypeError", async () => {
      const file = join(dir, "nameless.yaml");
      await writeFile(file, role("replicas: 1"));
      const { code, out, err } = await cli("validate", "-f", file);
      assert.equal(code, 1);
      assert.equal(out, "");
      assert.equal(
        err,
        "invalid: ModelInfer default/m is invalid: spec.template.roles[0].name: required; add name: a string\n",
      );
    });
  });
});
