import express, { type Express, type NextFunction, type Request, type Response } from "express";
import type { Logger } from "../logging.js";
import type { Metrics } from "../metrics.js";
import { BadReviewError, kindLabel, parseAdmissionReview, reviewReply } from "../../webhooks/admission-review.js";
import type { AdmissionContext } from "../../webhooks/context.js";
import type { ProcessResult } from "../../webhooks/mutate-processor.js";
import { processMutation } from "../../webhooks/mutate-processor.js";
import { processValidation } from "../../webhooks/validate-processor.js";
import type { AdmissionRequest } from "../../webhooks/admission-review.js";

/** The apiserver sends at most 3 MiB of AdmissionReview; anything larger is refused with 413. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

type Processor = (request: AdmissionRequest, ctx: AdmissionContext) => ProcessResult;

export interface WebhookAppOptions {
  ctx: AdmissionContext;
  metrics: Metrics;
  log: Logger;
  /** Set while shutting down: replies then ask the client to close its connection. */
  isDraining: () => boolean;
  /** Extra routes (benchmarks mount a no-op handler on the same TLS server). */
  extraRoutes?: (app: Express) => void;
}

function failedResult(request: AdmissionRequest, err: unknown): ProcessResult {
  const message = `inferplane failed on ${kindLabel(request.kind)} ${request.namespace ?? ""}/${request.name ?? ""}: ${String(err)}`;
  return { response: { uid: request.uid, allowed: false, status: { code: 500, message } }, outcome: "denied" };
}

function admissionHandler(webhook: string, process: Processor, opts: WebhookAppOptions) {
  return (req: Request, res: Response): void => {
    const started = performance.now();
    const request = parseAdmissionReview(req.body);
    let result: ProcessResult;
    try {
      result = process(request, opts.ctx);
    } catch (err) {
      result = failedResult(request, err);
    }
    const labels = { webhook, kind: request.kind.kind, operation: request.operation, outcome: result.outcome };
    opts.metrics.admissionRequests.inc(labels);
    opts.metrics.admissionDuration.observe(labels, (performance.now() - started) / 1000);
    const fields = {
      uid: request.uid,
      kind: kindLabel(request.kind),
      namespace: request.namespace,
      name: request.name,
      operation: request.operation,
      outcome: result.outcome,
      dryRun: request.dryRun === true,
    };
    if (result.outcome === "denied")
      opts.log.warn("admission denied", { ...fields, webhook, reason: result.response.status?.message });
    else opts.log.debug("admission answered", { ...fields, webhook });
    res.json(reviewReply(result.response));
  };
}

/** Turns body and review errors into a status code and a one-line reason, never a crash. */
function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const type = (err as { type?: string }).type;
    let status = 500;
    let reason = "internal error";
    if (type === "entity.too.large") [status, reason] = [413, `body exceeds ${MAX_BODY_BYTES} bytes`];
    else if (type === "entity.parse.failed") [status, reason] = [400, "body is not valid JSON"];
    else if (err instanceof BadReviewError) [status, reason] = [400, err.message];
    else if (typeof (err as { status?: unknown }).status === "number")
      [status, reason] = [(err as { status: number }).status, (err as Error).message];
    log.warn("bad admission request", { path: req.path, status, reason });
    res.status(status).type("text/plain").send(`${reason}\n`);
  };
}

export function createWebhookApp(opts: WebhookAppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use((_req, res, next) => {
    if (opts.isDraining()) res.setHeader("Connection", "close");
    next();
  });
  const json = express.json({ limit: MAX_BODY_BYTES, type: () => true, strict: false });
  const nonEmpty = (req: Request, _res: Response, next: NextFunction): void => {
    next(req.headers["content-length"] === "0" ? new BadReviewError("body is empty") : undefined);
  };
  app.post("/mutate", nonEmpty, json, admissionHandler("mutate", processMutation, opts));
  app.post("/validate", nonEmpty, json, admissionHandler("validate", processValidation, opts));
  opts.extraRoutes?.(app);
  app.use((_req, res) => {
    res
      .status(404)
      .type("text/plain")
      .send("not found: use POST /mutate, /validate, /scheduler/{filter,prioritize} or /optimizer/solve\n");
  });
  app.use(errorHandler(opts.log));
  return app;
}
