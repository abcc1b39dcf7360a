import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { REPO_ROOT } from "../support/fixtures.js";

/**
 * DESIGN.md §2: imports run one way — webhooks/, scheduler-extender/, src/controllers/ and
 * src/optimizer/ → src/cluster-view/ → src/apis/, src/volcano/, src/nvidia/, src/kube/. Each
 * folder lists what it may import besides itself; the HTTP/CLI edges (src/server/, src/cli/,
 * src/serve.ts, src/config.ts) may import anything, and nothing below may import them.
 */
// src/work/: the worker pool, generic (Node's worker_threads only), that CPU-heavy features run on.
const SHARED = ["src/logging.ts", "src/paths.ts", "src/work/"];
const VENDORS = [
  "src/volcano/",
  "src/nvidia/",
  "src/keda/",
  "src/engines/",
  "src/vllm-router/",
  "src/gateway-api/",
  "src/prometheus/",
  "src/redis/",
];
const BASE = ["src/kube/", "src/apis/", ...VENDORS, "src/modelinfer/", "src/routing/", "src/tokencache/", ...SHARED];
const FEATURES_BELOW = [...BASE, "src/cluster-view/"];
const RULES: readonly [string, readonly string[]][] = [
  ["src/kube/", [...SHARED]],
  ["src/apis/", ["src/kube/", ...SHARED]],
  ["src/volcano/", ["src/kube/", ...SHARED]],
  ["src/nvidia/", ["src/kube/", ...SHARED]],
  ["src/keda/", ["src/kube/", ...SHARED]],
  // What each inference engine takes (flags, ports, health, sources) — read by controllers and validators.
  ["src/engines/", ["src/apis/", "src/kube/", "src/nvidia/", ...SHARED]],
  ["src/modelinfer/", ["src/apis/", "src/kube/", ...SHARED]],
  // redis.conf as redis-server reads it.
  ["src/redis/", ["src/kube/", ...SHARED]],
  // A TokenCache's Redis names, URL and plan — read by its controller and by admission alike.
  ["src/tokencache/", ["src/apis/", "src/kube/", "src/redis/", ...SHARED]],
  // Routing (issue 16): the vLLM router's, Gateway API's and Prometheus' formats, and the rules
  // both the routing controllers and admission apply over them.
  ["src/vllm-router/", ["src/kube/", ...SHARED]],
  ["src/gateway-api/", ["src/kube/", ...SHARED]],
  ["src/prometheus/", [...SHARED]],
  ["src/routing/", ["src/kube/", "src/apis/", ...VENDORS, ...SHARED]],
  ["src/cluster-view/", BASE],
  ["webhooks/", FEATURES_BELOW],
  ["scheduler-extender/", FEATURES_BELOW],
  ["src/optimizer/", [...FEATURES_BELOW, "src/metrics.ts"]],
  // A controller shapes pods with the admission enhancers: one source of truth for what a pod gets.
  ["src/controllers/", [...FEATURES_BELOW, "webhooks/"]],
  ["certs/", SHARED],
  ["src/work/", []],
  ["src/logging.ts", []],
  ["src/paths.ts", []],
  ["src/metrics.ts", []],
];
const ROOTS = ["src", "webhooks", "scheduler-extender", "certs"];

function sources(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => relative(REPO_ROOT, join(e.parentPath, e.name)));
}

function imports(file: string): string[] {
  const text = readFileSync(join(REPO_ROOT, file), "utf8");
  return [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) =>
    relative(REPO_ROOT, resolve(REPO_ROOT, dirname(file), m[1]!)).replace(/\.js$/, ".ts"),
  );
}

function ruleOf(file: string): readonly string[] | undefined {
  return RULES.find(([prefix]) => file === prefix || file.startsWith(prefix))?.[1];
}

function home(file: string): string | undefined {
  return RULES.find(([prefix]) => file === prefix || file.startsWith(prefix))?.[0];
}

describe("structure: imports run one way (DESIGN.md §2)", () => {
  it("no file imports from a folder it may not import from", () => {
    const wrong: string[] = [];
    for (const file of ROOTS.flatMap(sources)) {
      const allowed = ruleOf(file);
      if (!allowed) continue;
      for (const target of imports(file)) {
        if (home(target) === home(file)) continue;
        if (!allowed.some((p) => target === p || target.startsWith(p))) wrong.push(`${file} → ${target}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it("every source file sits in a folder with a rule, or is an edge that may import anything", () => {
    const edges = ["src/server/", "src/cli/", "src/cli.ts", "src/serve.ts", "src/config.ts"];
    const homeless = ROOTS.flatMap(sources).filter(
      (f) => !ruleOf(f) && !edges.some((e) => f === e || f.startsWith(e)) && !f.startsWith("src/apis/generated/"),
    );
    assert.deepEqual(homeless, []);
  });

  it("would catch an arrow that runs back up", () => {
    const allowed = ruleOf("src/cluster-view/stores.ts")!;
    assert.ok(!allowed.some((p) => "scheduler-extender/planner.ts".startsWith(p)));
    assert.ok(!ruleOf("src/kube/quantity.ts")!.some((p) => "src/cluster-view/stores.ts".startsWith(p)));
  });
});
