import express, { type Express, type NextFunction, type Request, type Response } from "express";
import type { Logger } from "../logging.js";
import { countRefused, type Metrics } from "../metrics.js";
import { sniffKind, sniffUid } from "../../webhooks/admission-review.js";
import type { AdmissionContext } from "../../webhooks/context.js";
import { DenialCode } from "../../webhooks/field-errors.js";
import { QueueFullError } from "../work/pool.js";
import { answerAdmission, deniedReview, type AdmissionAnswer, type Webhook } from "./admission-answer.js";
import { LANE_KINDS, type AdmissionLane } from "./admission-lane.js";
import { formatBytes, HEAD_BYTES } from "./body.js";
import { InFlightBudget, type Overload } from "./in-flight.js";
import { bodyOf, intake, type Refusals } from "./intake.js";

/** The apiserver sends at most 3 MiB of AdmissionReview; anything larger is refused with 413. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export interface WebhookAppOptions {
  ctx: AdmissionContext;
  metrics: Metrics;
  log: Logger;
  /** Set while shutting down: replies then ask the client to close its connection. */
  isDraining: () => boolean;
  /** Admission requests and body bytes in flight (default: 256 and 24 MiB). */
  budget?: InFlightBudget;
  /** Where bodies of at least `workerBytes` are answered; without it, all are answered here. */
  lane?: { lane: AdmissionLane; workerBytes: number };
  /** Extra routes (the extender; benchmarks mount a no-op handler on the same TLS server). */
  extraRoutes?: (app: Express) => void;
}

function overloadMessage(reason: Overload | "queue-full", budget: InFlightBudget): string {
  const what =
    reason === "in-flight"
      ? `${budget.maxRequests} admission requests`
      : reason === "bytes-in-flight"
        ? `${formatBytes(budget.maxBytes)} of admission request bodies`
        : "its queue of large objects";
  return `inferplane is at its limit of ${what} in flight and answered at once rather than past the webhook timeout; the request may be retried; if this persists, add replicas or raise --max-requests-in-flight / --max-body-mib-in-flight`;
}

/** Admission's refusals: 413 for a body over 3 MiB (DESIGN §5), an AdmissionReview denied with 429 when busy. */
function admissionRefusals(opts: WebhookAppOptions, budget: InFlightBudget): Refusals {
  return {
    tooLarge: (req, res, message) => {
      opts.log.warn("bad admission request", { path: req.path, status: 413, reason: message });
      res.status(413).type("text/plain").send(`${message}\n`);
    },
    overloaded: (_req, res, reason, head) => {
      res
        .type("application/json")
        .send(deniedReview(sniffUid(head), DenialCode.TooManyRequests, overloadMessage(reason, budget)));
    },
  };
}

/** A large body, answered by the worker; a full queue or a failed worker is answered here. */
async function laneAnswer(
  webhook: Webhook,
  body: Buffer,
  lane: AdmissionLane,
  opts: WebhookAppOptions,
  budget: InFlightBudget,
): Promise<AdmissionAnswer> {
  const uid = sniffUid(body.subarray(0, HEAD_BYTES));
  try {
    return await lane.answer(webhook, body);
  } catch (err) {
    const full = err instanceof QueueFullError;
    if (full) countRefused(opts.metrics, "admission", "queue-full");
    const message = full
      ? overloadMessage("queue-full", budget)
      : `inferplane could not process this ${formatBytes(body.byteLength)} object: ${(err as Error).message}`;
    const code = full ? DenialCode.TooManyRequests : DenialCode.Internal;
    return {
      status: 200,
      body: deniedReview(uid, code, message),
      log: { level: full ? "warn" : "error", msg: "admission failed", fields: { webhook, uid, cause: String(err) } },
    };
  }
}

function admissionHandler(webhook: Webhook, opts: WebhookAppOptions, budget: InFlightBudget) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    const body = bodyOf(req);
    const lane =
      opts.lane &&
      body.byteLength >= opts.lane.workerBytes &&
      LANE_KINDS.has(sniffKind(body.subarray(0, HEAD_BYTES)) ?? "")
        ? opts.lane.lane
        : undefined;
    const answer = lane
      ? laneAnswer(webhook, body, lane, opts, budget)
      : Promise.resolve(answerAdmission(webhook, body, opts.ctx));
    answer.then((reply) => {
      if (reply.labels) {
        const labels = { webhook, ...reply.labels };
        opts.metrics.admissionRequests.inc(labels);
        opts.metrics.admissionDuration.observe(labels, (performance.now() - started) / 1000);
      }
      opts.log[reply.log.level](reply.log.msg, { path: req.path, ...reply.log.fields });
      res
        .status(reply.status)
        .type(reply.status === 200 ? "application/json" : "text/plain")
        .send(reply.body);
    }, next);
  };
}

/** Anything that still reaches here is a defect of ours: 500, with the cause in the log. */
function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(err);
      return;
    }
    log.error("internal error", {
      path: req.path,
      cause: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
    res.status(500).type("text/plain").send("internal error\n");
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
  const budget = opts.budget ?? new InFlightBudget(256, 24 * 1024 * 1024);
  const admission = intake({
    limit: MAX_BODY_BYTES,
    budget,
    head: { bytes: HEAD_BYTES, enough: (head) => sniffUid(head) !== "" },
    replies: admissionRefusals(opts, budget),
    onRefused: (reason) => {
      countRefused(opts.metrics, "admission", reason);
    },
  });
  app.post("/mutate", admission, admissionHandler("mutate", opts, budget));
  app.post("/validate", admission, admissionHandler("validate", opts, budget));
  opts.extraRoutes?.(app);
  app.use((_req, res) => {
    res
      .status(404)
      .type("text/plain")
      .send(
        "not found: use POST /mutate, /validate or /scheduler/{filter,prioritize,bind}; /optimizer/solve and /invoke are on the optimizer port (--optimizer-port)\n",
      );
  });
  app.use(errorHandler(opts.log));
  return app;
}
