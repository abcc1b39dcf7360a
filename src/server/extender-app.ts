import express, { type Express, type Request, type Response } from "express";
import type { Logger } from "../logging.js";
import type { Metrics } from "../metrics.js";
import type { ClusterView } from "../cluster-view/cluster-view.js";
import { Extender } from "../../scheduler-extender/extender.js";
import { candidateNames, filterReply, parseBindingArgs, parseExtenderArgs, WireError, type ExtenderArgs } from "../../scheduler-extender/wire.js";
import { MAX_BODY_BYTES } from "./webhook-app.js";

export interface ExtenderRoutesOptions {
  view: ClusterView;
  metrics: Metrics;
  log: Logger;
}

/** Errors go in the reply's Error field with HTTP 200, as kube-scheduler expects. */
function errorText(err: unknown): string {
  return err instanceof WireError ? err.message : `inferplane extender failed: ${String(err)}`;
}

function timed(verb: string, metrics: Metrics, handle: (req: Request, res: Response) => void) {
  return (req: Request, res: Response): void => {
    const end = metrics.extenderDuration.startTimer({ verb });
    try {
      handle(req, res);
    } finally {
      end();
    }
  };
}

function parseJson(body: unknown): unknown {
  if (typeof body !== "string" || body === "") throw new WireError("the request body is empty");
  try {
    return JSON.parse(body);
  } catch {
    throw new WireError("the request body is not valid JSON");
  }
}

function notSynced(view: ClusterView): string | undefined {
  return view.hasSynced() ? undefined : "inferplane's cluster view is not synced yet";
}

/**
 * POST /scheduler/filter, /scheduler/prioritize, /scheduler/bind on the HTTPS server.
 * Bind is not offered: the default binder is used (the scheduler configuration sets no bindVerb).
 */
export function mountExtender(app: Express, opts: ExtenderRoutesOptions): void {
  const extender = new Extender(opts.view.stores);
  // Raw text, parsed here: a body that is not JSON must still get HTTP 200 with Error.
  const json = express.text({ limit: MAX_BODY_BYTES, type: () => true });
  const parse = (body: unknown): ExtenderArgs => parseExtenderArgs(parseJson(body));

  app.post("/scheduler/filter", json, timed("filter", opts.metrics, (req, res) => {
    let args: ExtenderArgs | undefined;
    try {
      args = parse(req.body);
      const pending = notSynced(opts.view);
      if (pending) throw new WireError(pending);
      opts.metrics.topologyProblems.set(opts.view.stores.topology().problems.length);
      const decision = extender.filter(args.pod, candidateNames(args));
      opts.metrics.extenderNodes.inc({ verb: "filter", result: "passed" }, decision.passed.size);
      opts.metrics.extenderNodes.inc({ verb: "filter", result: "failed" }, Object.keys(decision.failed).length);
      if (decision.planned) opts.metrics.gangsPlanned.inc();
      if (decision.unschedulable) opts.metrics.unschedulableGangs.inc({ reason: decision.unschedulable });
      res.json(filterReply(args, decision.passed, decision.failed));
    } catch (err) {
      opts.log.warn("extender filter failed", { error: errorText(err) });
      res.json({ ...(args ? filterReply(args, new Set(), {}) : { FailedNodes: {}, FailedAndUnresolvableNodes: {} }), Error: errorText(err) });
    }
  }));

  app.post("/scheduler/prioritize", json, timed("prioritize", opts.metrics, (req, res) => {
    try {
      const args = parse(req.body);
      res.json(notSynced(opts.view) ? [] : extender.prioritize(args.pod, candidateNames(args)));
    } catch (err) {
      // HostPriorityList has no Error field: a non-200 is how the scheduler learns of it (and ignores it).
      res.status(400).type("text/plain").send(`${errorText(err)}\n`);
    }
  }));

  app.post("/scheduler/bind", json, timed("bind", opts.metrics, (req, res) => {
    try {
      const args = parseBindingArgs(parseJson(req.body));
      res.json({ Error: `bind is not enabled in inferplane; remove bindVerb from the scheduler's extender configuration (pod ${args.podNamespace}/${args.podName})` });
    } catch (err) {
      res.json({ Error: errorText(err) });
    }
  }));
}
