import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO_ROOT } from "../support/fixtures.js";

/** What marks a test as integration: it starts real servers or runs real tools. */
const INTEGRATION_MARKS = /startTestServer|kubeTools|startPrometheus|startRedis|spawn\(|execFile/;

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*\*\//g, "(?:.*/)?")
    .replace(/\*/g, "[^/]*");
  return new RegExp(`^${body}$`);
}

describe("structure: npm run test:unit and test:integration", () => {
  it("split the suite in two without losing a test file, and every test that starts servers or tools is integration", () => {
    const config = JSON.parse(readFileSync(join(REPO_ROOT, ".mocharc.integration.json"), "utf8")) as { spec: string[] };
    const patterns = config.spec.map(globToRegExp);
    const files = readdirSync(join(REPO_ROOT, "test"), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith(".test.ts"))
      .map((e) => relative(REPO_ROOT, join(e.parentPath, e.name)));
    const integration = files.filter((f) => patterns.some((p) => p.test(f)));
    assert.ok(integration.length >= 10 && integration.length < files.length);
    const misplaced = files.filter(
      (f) =>
        !integration.includes(f) &&
        !f.startsWith("test/structure/") &&
        INTEGRATION_MARKS.test(readFileSync(join(REPO_ROOT, f), "utf8")),
    );
    assert.deepEqual(misplaced, [], "these start servers or tools: list them in .mocharc.integration.json");
  });
});
