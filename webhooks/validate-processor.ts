import { kindLabel, type AdmissionRequest } from "./admission-review.js";
import type { AdmissionContext } from "./context.js";
import { denialResponse, requestNamespace, type ProcessResult } from "./mutate-processor.js";
import { isOptedIn } from "./opt-in.js";
import { VALIDATORS } from "./validators.js";
import { admissionWarnings } from "./warnings.js";

/** The validating webhook: rejects what can never work, warns about what is questionable. */
export function processValidation(request: AdmissionRequest, ctx: AdmissionContext): ProcessResult {
  const uid = request.uid;
  const entry = VALIDATORS.get(kindLabel(request.kind));
  const obj = request.object;
  if (!entry || !entry.operations.has(request.operation) || typeof obj !== "object" || obj === null) {
    return { response: { uid, allowed: true }, outcome: "skipped" };
  }
  const namespace = requestNamespace(request, obj);
  if (entry.optInOnly && !isOptedIn(obj, namespace, ctx.policy))
    return { response: { uid, allowed: true }, outcome: "skipped" };
  const result = entry.validate(obj, namespace, ctx, request.oldObject);
  if (!result.ok) return denialResponse(request, obj, namespace, result);
  return { response: { uid, allowed: true, warnings: admissionWarnings(result.warnings) }, outcome: "allowed" };
}
