import type { IncomingMessage } from "node:http";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { BodyError, declaredLength, dropUnreadBody, readBody, tooLargeMessage } from "./body.js";
import type { InFlightBudget, Overload } from "./in-flight.js";

/** How a family of paths answers what intake refuses, in the form its callers read. */
export interface Refusals {
  tooLarge(req: Request, res: Response, message: string): void;
  /** `head`: the first bytes of the body, enough to echo an AdmissionReview's uid. */
  overloaded(req: Request, res: Response, reason: Overload, head: Buffer): void;
}

export interface IntakeOptions {
  limit: number;
  budget: InFlightBudget;
  replies: Refusals;
  /** Body bytes read before answering an overload, at most, and until `enough` says so (admission: its uid is in). Undefined answers at once. */
  head?: { bytes: number; enough: (head: Buffer) => boolean };
  onRefused?: (reason: Overload | "too-large") => void;
}

const bodies = new WeakMap<IncomingMessage, Buffer>();

/** The body intake read for this request (empty if none). */
export function bodyOf(req: IncomingMessage): Buffer {
  return bodies.get(req) ?? Buffer.alloc(0);
}

/** The body's first bytes, until `enough` or `bytes` of them (or its end); nothing is held beyond that. */
function readHead(req: IncomingMessage, head: IntakeOptions["head"]): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const bytes = head?.bytes ?? 0;
    const done = (): void => {
      req.off("data", onData);
      req.off("end", done);
      req.off("close", done);
      req.pause();
      resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= bytes || head?.enough(Buffer.concat(chunks))) done();
    };
    if (bytes <= 0 || req.complete) {
      resolve(Buffer.alloc(0));
      return;
    }
    req.on("data", onData);
    req.once("end", done);
    req.once("close", done);
  });
}

/**
 * Admission control for a family of paths, before any parsing: a body declared over the limit
 * is refused from its headers, one that grows past it as its bytes arrive; a request beyond the
 * in-flight budget is answered at once. A refused body is not read to its end: the connection
 * closes instead.
 */
export function intake(opts: IntakeOptions): RequestHandler {
  const refuse = (req: Request, res: Response, reason: Overload, head: Buffer): void => {
    opts.onRefused?.(reason);
    dropUnreadBody(req, res);
    opts.replies.overloaded(req, res, reason, head);
  };
  const tooLarge = (req: Request, res: Response, message: string): void => {
    opts.onRefused?.("too-large");
    res.setHeader("Connection", "close");
    opts.replies.tooLarge(req, res, message);
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    const declared = declaredLength(req);
    if (declared !== undefined && declared > opts.limit) {
      tooLarge(req, res, tooLargeMessage(opts.limit, declared));
      return;
    }
    const ticket = opts.budget.enter(declared ?? 0);
    if (typeof ticket === "string") {
      void readHead(req, opts.head).then((head) => {
        refuse(req, res, ticket, head);
      });
      return;
    }
    res.once("close", ticket.release);
    readBody(req, opts.limit, ticket.reserve).then(
      (body) => {
        bodies.set(req, body);
        next();
      },
      (err: unknown) => {
        ticket.release();
        if (!(err instanceof BodyError) || err.fault === "aborted") return;
        if (err.fault === "too-large") tooLarge(req, res, err.message);
        else refuse(req, res, "bytes-in-flight", err.head);
      },
    );
  };
}
