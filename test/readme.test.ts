import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AdmissionReviewReply } from "../webhooks/admission-review.js";
import { main } from "../src/cli/main.js";
import { REPO_ROOT } from "./support/fixtures.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");

describe("README", () => {
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

  it("every `npx inferplane` example runs and succeeds (from the repository root)", async () => {
    const lines = [...readme.matchAll(/^npx inferplane ([^#\n]*?)\s*(?:#.*)?$/gm)].map((m) => m[1]!.trim());
    const runnable = lines.filter((l) => !/\bDIR\b|^certs\b/.test(l));
    assert.ok(runnable.length >= 6, runnable.join("\n"));
    const cwd = process.cwd();
    process.chdir(REPO_ROOT);
    try {
      for (const line of runnable) {
        let err = "";
        const code = await main(line.split(/\s+/), { out: () => undefined, err: (t) => (err += t) });
        assert.equal(code, 0, `npx inferplane ${line}: ${err}`);
      }
    } finally {
      process.chdir(cwd);
    }
  });

  describe("the curl example", () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer();
    });
    after(async () => {
      await t.close();
    });

    it("returns exactly the documented patch", async () => {
      const documented = JSON.parse(
        /<!-- readme-test: worker-pod-patch -->\n```json\n([\s\S]*?)```/.exec(readme)![1]!,
      ) as unknown;
      const curl = /--data @(\S+) https:\/\/localhost:9443(\/\w+)/.exec(readme)!;
      const body = JSON.parse(readFileSync(join(REPO_ROOT, curl[1]!), "utf8")) as unknown;
      const { json } = await t.client.postJson(curl[2]!, body);
      const reply = json as AdmissionReviewReply;
      assert.equal(reply.response.allowed, true);
      assert.deepEqual(JSON.parse(Buffer.from(reply.response.patch!, "base64").toString()), documented);
    });

    it("the extender example returns exactly the documented reply", async () => {
      const documented = JSON.parse(
        /<!-- readme-test: extender-filter -->\n```json\n([\s\S]*?)```/.exec(readme)![1]!,
      ) as unknown;
      const curl = /--data @(\S+) https:\/\/localhost:9443(\/scheduler\/filter)/.exec(readme)!;
      const { json } = await t.client.postJson(
        curl[2]!,
        JSON.parse(readFileSync(join(REPO_ROOT, curl[1]!), "utf8")) as unknown,
      );
      assert.deepEqual(json, documented);
    });
  });
});
