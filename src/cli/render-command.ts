import { stringify } from "yaml";
import { withNamespace } from "../cluster-view/file-view.js";
import { SnapshotView } from "../cluster-view/snapshot-view.js";
import { RECONCILERS } from "../controllers/registry.js";
import { stamped } from "../controllers/runtime/child-plan.js";
import type { AnyReconciler } from "../controllers/runtime/reconciler.js";
import type { Flags } from "../config.js";
import { isKind } from "../kube/kind.js";
import type { KubeObject } from "../kube/object.js";
import { readObjects, type Io } from "./commands.js";
import { clusterWith, describeObject, storedForm } from "./file-cluster.js";
import { validateOnly } from "./dry-run.js";

function reconcilerFor(obj: KubeObject): AnyReconciler | undefined {
  return RECONCILERS.find((r) => isKind(obj, r.kind));
}

/**
 * The child as printed: an object that does not exist yet has no uid, and an owner reference
 * without one is invalid, so it is left out (the controller adds it from the live object).
 */
function printable(child: KubeObject): KubeObject {
  const refs = child.metadata?.ownerReferences;
  if (!refs?.some((r) => !r.uid)) return child;
  const kept = refs.filter((r) => r.uid);
  const metadata = { ...child.metadata };
  if (kept.length > 0) metadata.ownerReferences = kept;
  else delete metadata.ownerReferences;
  return { ...child, metadata };
}

function renderOne(obj: KubeObject, reconciler: AnyReconciler, view: SnapshotView, io: Io): void {
  const children = reconciler.desired(obj, view, new Date()).children.map(stamped).map(printable);
  const count = `${children.length} object${children.length === 1 ? "" : "s"}`;
  const owner = obj.metadata?.uid ? "" : "; the owner reference to it is added once it exists";
  io.out(`# ${describeObject(obj)} → ${count} (controller ${reconciler.name}${owner})\n`);
  // No YAML anchors: every document stands alone, as kubectl and GitOps tools read them.
  for (const child of children) io.out(`---\n${stringify(child, { aliasDuplicateObjects: false })}`);
}

/**
 * `inferplane render -f FILE [--manifests DIR]`: for each custom resource in FILE, the objects its
 * controller would apply — `desired().children` as the runtime stamps them — as YAML documents.
 * The dry run of every controller. Objects no controller owns are named on stderr and skipped;
 * exit 1 when one would be denied.
 */
export async function renderCommand(flags: Flags, io: Io): Promise<number> {
  const objects = (await readObjects(flags)).map(withNamespace);
  const view = await clusterWith(flags, objects);
  const known = RECONCILERS.map((r) => `${r.kind.kind} (${r.kind.group})`).join(", ");
  const admission = { view, policy: { excludedNamespaces: new Set(["kube-system"]) } };
  let code = 0;
  for (const obj of objects) {
    const reconciler = reconcilerFor(obj);
    if (!reconciler) {
      io.err(
        `render: ${describeObject(obj)}: no controller owns ${obj.apiVersion ?? "?"} ${obj.kind ?? "?"}; nothing to render (render knows ${known})\n`,
      );
      continue;
    }
    const verdict = validateOnly(obj, admission);
    for (const warning of verdict.warnings ?? []) io.err(`warning: ${describeObject(obj)}: ${warning}\n`);
    if (!verdict.allowed) {
      io.err(`render: ${describeObject(obj)} would be denied: ${verdict.status?.message ?? "no reason given"}\n`);
      code = 1;
      continue;
    }
    // Admitted, so stored: the controller reads the object as the apiserver keeps it (nulls pruned).
    renderOne(storedForm(obj) ?? obj, reconciler, view, io);
  }
  return code;
}
