import type { KubeObject } from "../../kube/object.js";
import type { EventNote } from "./reconciler.js";

const LISTED = 8;

function describe(obj: KubeObject): string {
  return `${obj.kind ?? ""} ${obj.metadata?.name ?? ""}`;
}

/**
 * One Event per reason for the objects a pass acted on ("created Pod a, Pod b, … and 9 more"),
 * instead of one per object: `kubectl describe` stays readable and a 16-pod InferGroup costs one
 * Event write, not sixteen.
 */
export function summaryEvent(
  type: EventNote["type"],
  reason: string,
  verb: string,
  objects: readonly KubeObject[],
): EventNote | undefined {
  if (objects.length === 0) return undefined;
  const names = objects.slice(0, LISTED).map(describe).join(", ");
  const more = objects.length > LISTED ? ` and ${objects.length - LISTED} more` : "";
  return { type, reason, message: `${verb} ${names}${more}` };
}
