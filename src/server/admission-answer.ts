import {
  BadReviewError,
  kindLabel,
  parseAdmissionReview,
  reviewReply,
  type AdmissionRequest,
} from "../../webhooks/admission-review.js";
import type { AdmissionContext } from "../../webhooks/context.js";
import { DenialCode } from "../../webhooks/field-errors.js";
import { metricKind } from "../../webhooks/metric-kind.js";
import { processMutation, type AdmissionOutcome, type ProcessResult } from "../../webhooks/mutate-processor.js";
import { processValidation } from "../../webhooks/validate-processor.js";

export type Webhook = "mutate" | "validate";

/** Closed label values (metric-kind.ts, the operations parseAdmissionReview accepts, the outcomes). */
export interface AdmissionLabels {
  kind: string;
  operation: string;
  outcome: AdmissionOutcome;
}

/**
 * The answer to one AdmissionReview body, as plain data: computed on the event loop for small
 * bodies and in a worker for large ones (admission-lane.ts), then sent and logged by the caller.
 */
export interface AdmissionAnswer {
  /** 200 with an AdmissionReview, or 400 with a one-line reason (not an AdmissionReview at all). */
  status: 200 | 400;
  body: string;
  labels?: AdmissionLabels;
  log: { level: "debug" | "warn" | "error"; msg: string; fields: Record<string, unknown> };
}

const PROCESSORS: Record<Webhook, (request: AdmissionRequest, ctx: AdmissionContext) => ProcessResult> = {
  mutate: processMutation,
  validate: processValidation,
};

function badRequest(reason: string): AdmissionAnswer {
  return { status: 400, body: `${reason}\n`, log: { level: "warn", msg: "bad admission request", fields: { reason } } };
}

function parse(body: Uint8Array): AdmissionRequest | AdmissionAnswer {
  if (body.byteLength === 0) return badRequest("body is empty");
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"));
  } catch {
    return badRequest("body is not valid JSON");
  }
  try {
    return parseAdmissionReview(json);
  } catch (err) {
    if (err instanceof BadReviewError) return badRequest(err.message);
    throw err;
  }
}

/** A fault of ours: denied with 500 and the cause in the log (the message names only the object). */
function internalFailure(request: AdmissionRequest, err: unknown): { result: ProcessResult; cause: string } {
  const message = `inferplane failed on ${kindLabel(request.kind)} ${request.namespace ?? ""}/${request.name ?? ""}: ${String(err)}`;
  return {
    result: {
      response: { uid: request.uid, allowed: false, status: { code: DenialCode.Internal, message } },
      outcome: "denied",
    },
    cause: err instanceof Error ? (err.stack ?? err.message) : String(err),
  };
}

function logOf(
  webhook: Webhook,
  request: AdmissionRequest,
  result: ProcessResult,
  cause?: string,
): AdmissionAnswer["log"] {
  const fields: Record<string, unknown> = {
    webhook,
    uid: request.uid,
    kind: kindLabel(request.kind),
    namespace: request.namespace,
    name: request.name,
    operation: request.operation,
    outcome: result.outcome,
    dryRun: request.dryRun === true,
  };
  if (cause !== undefined) return { level: "error", msg: "admission failed", fields: { ...fields, cause } };
  if (result.outcome === "denied")
    return { level: "warn", msg: "admission denied", fields: { ...fields, reason: result.response.status?.message } };
  return { level: "debug", msg: "admission answered", fields };
}

/** Parses, processes and serialises one AdmissionReview; never throws. */
export function answerAdmission(webhook: Webhook, body: Uint8Array, ctx: AdmissionContext): AdmissionAnswer {
  const parsed = parse(body);
  if ("status" in parsed) return parsed;
  const request = parsed;
  let result: ProcessResult;
  let cause: string | undefined;
  try {
    result = PROCESSORS[webhook](request, ctx);
  } catch (err) {
    ({ result, cause } = internalFailure(request, err));
  }
  return {
    status: 200,
    body: JSON.stringify(reviewReply(result.response)),
    labels: { kind: metricKind(request.kind), operation: request.operation, outcome: result.outcome },
    log: logOf(webhook, request, result, cause),
  };
}

/** A denial decided without the object (busy, failed worker): the uid comes from the body's first bytes. */
export function deniedReview(uid: string, code: DenialCode, message: string): string {
  return JSON.stringify(reviewReply({ uid, allowed: false, status: { code, message } }));
}
