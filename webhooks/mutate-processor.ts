import { kindLabel, type AdmissionRequest, type AdmissionResponse } from "./admission-review.js";
import type { AdmissionContext } from "./context.js";
import { MUTATORS } from "./mutators.js";
import { isOptedIn } from "./opt-in.js";
import { encodePatch, jsonPatch } from "./patch.js";
import { admissionWarnings } from "./warnings.js";
import { formatDenial, type Denial } from "./field-errors.js";

export type AdmissionOutcome = "patched" | "allowed" | "skipped" | "denied";

export interface ProcessResult {
  response: AdmissionResponse;
  outcome: AdmissionOutcome;
}

export function requestNamespace(request: AdmissionRequest, obj: unknown): string {
  const fromObject = (obj as { metadata?: { namespace?: string } } | null)?.metadata?.namespace;
  return request.namespace || fromObject || "default";
}

/** The reply refusing `obj`: the denial's code, and its field errors rendered once with the object's kind and name. */
export function denialResponse(
  request: AdmissionRequest,
  obj: unknown,
  namespace: string,
  denial: Denial,
): ProcessResult {
  const meta = (obj as { metadata?: { name?: string; generateName?: string } } | null)?.metadata;
  const name = meta?.name ?? meta?.generateName ?? request.name ?? "";
  const message = formatDenial(request.kind.kind, namespace, name, denial);
  return { response: { uid: request.uid, allowed: false, status: { code: denial.code, message } }, outcome: "denied" };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0;
}

/**
 * The mutating webhook: objects that did not opt in pass untouched and unread; opted-in ones
 * are enhanced and answered with a JSONPatch against `request.object`, or denied with the reason.
 * Has no side effects, so `dryRun` requests need no special path.
 */
export function processMutation(request: AdmissionRequest, ctx: AdmissionContext): ProcessResult {
  const uid = request.uid;
  const entry = MUTATORS.get(kindLabel(request.kind));
  const obj = request.object;
  if (!entry || !entry.operations.has(request.operation) || !isObject(obj)) {
    return { response: { uid, allowed: true }, outcome: "skipped" };
  }
  const namespace = requestNamespace(request, obj);
  if (!isOptedIn(obj, namespace, ctx.policy)) return { response: { uid, allowed: true }, outcome: "skipped" };

  const result = entry.mutate(obj, namespace, ctx);
  if (!result.ok) return denialResponse(request, obj, namespace, result);
  const patch = encodePatch(jsonPatch(obj, result.value));
  const response: AdmissionResponse = { uid, allowed: true, warnings: admissionWarnings(result.warnings) };
  if (patch) response.patch = patch;
  return { response, outcome: patch ? "patched" : "allowed" };
}
