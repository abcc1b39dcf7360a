import { createHash } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { AccessDecision, ApiAccessReview, ResourceAttributes } from "../kube/api-access-review.js";
import type { Logger } from "../logging.js";
import { dropUnreadBody } from "./body.js";

export interface BearerAuthOptions {
  reviewer: Pick<ApiAccessReview, "review">;
  /** The resource callers must be allowed on: `services/proxy` of inferplane's Service, as the chart's RBAC documents. */
  attributes: ResourceAttributes;
  log: Logger;
  /** A decision is reused this long (ms), so a caller's retries do not each cost the apiserver two reviews. */
  cacheMs?: number;
  /** Decisions remembered at most. */
  cacheSize?: number;
  /** Reviews under way at most; beyond, 429 (an attacker's garbage tokens cannot flood the apiserver). */
  maxReviews?: number;
  onRefused?: (fault: "unauthenticated" | "forbidden" | "busy") => void;
}

/** The verb of a request, as the apiserver derives it for a resource: GET → get, POST → create. */
function verbOf(method: string): string {
  return method === "POST" ? "create" : method === "GET" || method === "HEAD" ? "get" : method.toLowerCase();
}

function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/**
 * `Authorization: Bearer <token>` checked by TokenReview and SubjectAccessReview (as
 * kube-rbac-proxy does): 401 without a valid token, 403 when its user may not, 429 when too many
 * reviews are under way, 503 when the apiserver cannot be asked.
 */
export function bearerAuth(opts: BearerAuthOptions): RequestHandler {
  const cacheMs = opts.cacheMs ?? 10_000;
  const cacheSize = opts.cacheSize ?? 1024;
  const maxReviews = opts.maxReviews ?? 16;
  const cache = new Map<string, { decision: AccessDecision; until: number }>();
  let reviewing = 0;

  const decide = async (token: string, verb: string): Promise<AccessDecision> => {
    const key = `${verb} ${createHash("sha256").update(token).digest("hex")}`;
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.decision;
    reviewing++;
    try {
      const decision = await opts.reviewer.review(token, verb, opts.attributes);
      cache.delete(key);
      cache.set(key, { decision, until: Date.now() + cacheMs });
      if (cache.size > cacheSize) cache.delete(cache.keys().next().value ?? "");
      return decision;
    } finally {
      reviewing--;
    }
  };

  const refuse = (
    req: Request,
    res: Response,
    status: number,
    fault: "unauthenticated" | "forbidden" | "busy",
    reason: string,
  ): void => {
    opts.onRefused?.(fault);
    dropUnreadBody(req, res);
    if (status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="inferplane"');
    res.status(status).type("text/plain").send(`${reason}\n`);
  };

  return (req: Request, res: Response, next: NextFunction): void => {
    const token = bearerToken(req);
    if (!token) {
      refuse(
        req,
        res,
        401,
        "unauthenticated",
        "a bearer token is required (Authorization: Bearer <service account token>)",
      );
      return;
    }
    if (reviewing >= maxReviews) {
      res.setHeader("Retry-After", "1");
      refuse(req, res, 429, "busy", "too many credential checks under way; retry");
      return;
    }
    const verb = verbOf(req.method);
    decide(token, verb).then(
      (decision) => {
        if (decision.ok) {
          next();
          return;
        }
        opts.log.warn("request refused", { path: req.path, fault: decision.fault, reason: decision.reason });
        refuse(req, res, decision.fault === "unauthenticated" ? 401 : 403, decision.fault, decision.reason);
      },
      (err: unknown) => {
        opts.log.error("credential check failed", { path: req.path, cause: String(err) });
        res.setHeader("Retry-After", "5");
        dropUnreadBody(req, res);
        res.status(503).type("text/plain").send("cannot check credentials with the apiserver now; retry\n");
      },
    );
  };
}
