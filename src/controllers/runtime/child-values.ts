import { brokenValues, brokenValueText, labelValues, objectValues } from "../../kube/object-values.js";
import type { DesiredState, EventNote } from "./reconciler.js";

/**
 * Why the desired children cannot be applied, as a Warning Event, or undefined when they can: a
 * name, label, selector, node selector or key the apiserver would refuse (src/kube/object-values.ts),
 * on a child or in a label patch. The runtime then applies none of them (never half a set); each
 * controller's own admission rules should have refused the primary first, so this names the child.
 */
export function invalidChildren(desired: DesiredState): EventNote | undefined {
  const problems = [
    ...desired.children.flatMap((child) => brokenValues(objectValues(child)).map((b) => brokenValueText(child, b))),
    ...(desired.labels ?? []).flatMap((patch) =>
      brokenValues(
        labelValues(
          "metadata.labels",
          Object.fromEntries(Object.entries(patch.labels).filter((e): e is [string, string] => e[1] !== null)),
        ),
      ).map((b) => brokenValueText({ kind: patch.kind.kind, metadata: { name: patch.name } }, b)),
    ),
  ];
  if (problems.length === 0) return undefined;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
  return { type: "Warning", reason: "InvalidChild", message: `nothing applied: ${problems[0] ?? ""}${more}` };
}
