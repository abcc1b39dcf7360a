import { strict as assert } from "node:assert";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { REPO_ROOT } from "./fixtures.js";
import { kubeTools, run } from "./tools.js";

export interface Rendered {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

export const CHART = join(REPO_ROOT, "charts", "inferplane");

/** `helm template rel` of the chart in inferplane-system (real helm v4), as objects. */
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

/** The one object of `kind` (and `name`); fails when there is not exactly one. */
export function find<T>(objects: Rendered[], kind: string, name?: string): T {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  assert.equal(found.length, 1, `one ${kind} ${name ?? ""}`);
  return found[0] as T;
}
