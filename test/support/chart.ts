import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { strict as assert } from "node:assert";
import { parseAllDocuments } from "yaml";
import { REPO_ROOT } from "./fixtures.js";
import { kubeTools, run } from "./tools.js";

export interface Rendered {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
}

export const CHART = join(REPO_ROOT, "charts", "inferplane");

/** `helm template rel charts/inferplane -n inferplane-system --include-crds ARGS`, as objects. */
export function template(...args: string[]): Rendered[] {
  const out = run(kubeTools().helm, [
    "template",
    "rel",
    CHART,
    "--namespace",
    "inferplane-system",
    "--include-crds",
    ...args,
  ]);
  return parseAllDocuments(out)
    .map((d) => d.toJS() as Rendered | null)
    .filter((d): d is Rendered => d !== null);
}

/** The error `helm template ARGS` fails with (the test fails if it renders). */
export function templateError(...args: string[]): string {
  try {
    execFileSync(kubeTools().helm, ["template", "rel", CHART, "--namespace", "inferplane-system", ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (err) {
    return String((err as { stderr?: string }).stderr);
  }
  assert.fail(`helm template ${args.join(" ")} rendered`);
}

/** `helm lint --strict ARGS` passes. */
export function assertLintsStrict(...args: string[]): void {
  assert.match(
    run(kubeTools().helm, ["lint", "--strict", CHART, ...args]),
    /1 chart\(s\) linted, 0 chart\(s\) failed/,
    args.join(" "),
  );
}

export function find<T>(objects: Rendered[], kind: string, name?: string): T {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  assert.equal(found.length, 1, `one ${kind}${name ? ` ${name}` : ""}`);
  return found[0] as T;
}
