import { existsSync } from "node:fs";
import { stringify } from "yaml";
import { withNamespace } from "../cluster-view/file-view.js";
import { loadManifestDir } from "../cluster-view/manifests.js";
import { SnapshotView } from "../cluster-view/snapshot-view.js";
import { RECONCILERS } from "../controllers/registry.js";
import { stamped } from "../controllers/runtime/child-plan.js";
import type { AnyReconciler } from "../controllers/runtime/reconciler.js";
import { ConfigError, type Flags } from "../config.js";
import { isKind } from "../kube/kind.js";
import type { KubeObject } from "../kube/object.js";
import { DEFAULT_MANIFESTS_DIR } from "../paths.js";
import { readObjects, type Io } from "./commands.js";
import { validateOnly } from "./dry-run.js";

function describe(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return `${obj.kind ?? "?"} ${ns ? `${ns}/` : ""}${obj.metadata?.name ?? "?"}`;
}

function reconcilerFor(obj: KubeObject): AnyReconciler | undefined {
  return RECONCILERS.find((r) => isKind(obj, r.kind));
}

/** The cluster around the file: the manifests directory, then the file's own objects (which win). */
async function viewWith(flags: Flags, objects: readonly KubeObject[]): Promise<SnapshotView> {
  const dir = typeof flags.manifests === "string" ? flags.manifests : DEFAULT_MANIFESTS_DIR;
  if (!existsSync(dir)) throw new ConfigError(`--manifests ${dir}: no such directory`);
  const view = new SnapshotView((await loadManifestDir(dir)).map(withNamespace));
  for (const obj of objects) view.upsert(obj);
  return view;
}

/**
 * `inferplane render -f FILE [--manifests DIR]`: for each custom resource in FILE, the objects its
 * controller would apply — `desired().children` as the runtime stamps them — as YAML documents.
 * The dry run of every controller. Exit 1 when an object has no controller or would be denied.
 */
export async function renderCommand(flags: Flags, io: Io): Promise<number> {
  const objects = (await readObjects(flags)).map(withNamespace);
  const view = await viewWith(flags, objects);
  const known = RECONCILERS.map((r) => r.kind.kind).join(", ");
  const admission = { view, policy: { excludedNamespaces: new Set(["kube-system"]) } };
  let code = 0;
  for (const obj of objects) {
    const reconciler = reconcilerFor(obj);
    if (!reconciler) {
      io.err(
        `render: ${describe(obj)}: no controller for ${obj.apiVersion ?? "?"} ${obj.kind ?? "?"}; render knows ${known}\n`,
      );
      code = 1;
      continue;
    }
    const verdict = validateOnly(obj, admission);
    for (const warning of verdict.warnings ?? []) io.err(`warning: ${describe(obj)}: ${warning}\n`);
    if (!verdict.allowed) {
      io.err(`render: ${describe(obj)} would be denied: ${verdict.status?.message ?? "no reason given"}\n`);
      code = 1;
      continue;
    }
    const children = reconciler.desired(obj, view, new Date()).children.map(stamped);
    io.out(
      `# ${describe(obj)} → ${children.length} object${children.length === 1 ? "" : "s"} (controller ${reconciler.name})\n`,
    );
    for (const child of children) io.out(`---\n${stringify(child)}`);
  }
  return code;
}
