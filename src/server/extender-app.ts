import type { Express, Request, Response } from "express";
import type { Logger } from "../logging.js";
import { countRefused, type Metrics } from "../metrics.js";
import type { ClusterView } from "../cluster-view/cluster-view.js";
import type { Binder } from "../../scheduler-extender/binder.js";
import { Extender } from "../../scheduler-extender/extender.js";
import { hyperNodeNotices, OncePerVersion, type EventRecorder } from "../../scheduler-extender/events.js";
import { HyperNodeKind } from "../volcano/hypernode.js";
import type { Topology } from "../volcano/topology.js";
import { POD } from "../kube/core-kinds.js";
import {
  filterReplyJson,
  parseBindingArgs,
  parseExtenderRequest,
  WireError,
  type ExtenderArgs,
} from "../../scheduler-extender/wire.js";
import { dropUnreadBody, formatBytes } from "./body.js";
import { schedulerIdentityProblem } from "./client-cert.js";
import { InFlightBudget, type Overload } from "./in-flight.js";
import { bodyOf, intake, type Refusals } from "./intake.js";
import { MAX_BODY_BYTES } from "./webhook-app.js";

export interface ExtenderRoutesOptions {
  view: ClusterView;
  metrics: Metrics;
  log: Logger;
  /** Set when bind is enabled (`--extender-bind`); otherwise the scheduler binds by itself. */
  binder?: Binder;
  /** Extender requests and body bytes in flight (default: 256 and 24 MiB). */
  budget?: InFlightBudget;
  /** In a cluster: the subject CN of kube-scheduler's client certificate; undefined: open (standalone). */
  schedulerName?: string;
  /** Warning Events on PodGroups and HyperNodes with what the extender cannot honour (in a cluster). */
  events?: EventRecorder;
}

type Verb = "filter" | "prioritize" | "bind";

/**
 * Reports the topology's problems: the metric each time the topology is rebuilt (only on
 * change, never per request), the log lines and a Warning Event per HyperNode only when the
 * problems themselves changed.
 */
function topologyReporter(view: ClusterView, metrics: Metrics, log: Logger, events?: EventRecorder): () => void {
  let seen: Topology | undefined;
  let logged = "";
  return () => {
    const topology = view.topology();
    if (topology === seen) return;
    seen = topology;
    metrics.topologyProblems.set(topology.problems.length);
    const text = topology.problems.join("\n");
    if (text === logged) return;
    logged = text;
    for (const problem of topology.problems) log.warn("HyperNode topology problem", { problem });
    for (const notice of hyperNodeNotices(topology, view.list(HyperNodeKind))) events?.warn(notice);
  };
}

/** Errors go in the reply's Error field with HTTP 200, as kube-scheduler expects. */
function errorText(err: unknown): string {
  return err instanceof WireError ? err.message : `inferplane extender failed: ${String(err)}`;
}

function parseJson(body: Buffer): unknown {
  if (body.byteLength === 0) throw new WireError("the request body is empty");
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new WireError("the request body is not valid JSON");
  }
}

/** A filter or prioritize body: kube-scheduler's own form read without parsing the names (wire.ts). */
function parseRequest(body: Buffer): ExtenderArgs {
  if (body.byteLength === 0) throw new WireError("the request body is empty");
  return parseExtenderRequest(body.toString("utf8"));
}

function notSynced(view: ClusterView): string | undefined {
  return view.hasSynced() ? undefined : "inferplane's cluster view is not synced yet";
}

/** The reply of each verb when it cannot work on the request, as JSON text: Error for filter and bind; no opinion for prioritize. */
function verbError(verb: Verb, error: string, args?: ExtenderArgs): string {
  if (verb === "prioritize") return "[]";
  if (verb === "bind") return JSON.stringify({ Error: error });
  const bare = JSON.stringify({ FailedNodes: {}, FailedAndUnresolvableNodes: {}, Error: error });
  try {
    return args ? filterReplyJson(args, new Set(), {}, error) : bare;
  } catch {
    // The bare reply: this one must never throw.
    return bare;
  }
}

/** Sends a verb's reply, built as JSON text. */
function sendJson(res: Response, json: string): void {
  res.type("json").send(json);
}

function refusals(verb: Verb, budget: InFlightBudget): Refusals {
  return {
    tooLarge: (_req, res, message) => {
      sendJson(
        res,
        verbError(verb, `${message}; with nodeCacheCapable: true the scheduler sends node names, not Nodes`),
      );
    },
    overloaded: (_req, res, reason: Overload) => {
      const what =
        reason === "in-flight" ? `${budget.maxRequests} requests` : `${formatBytes(budget.maxBytes)} of request bodies`;
      sendJson(res, verbError(verb, `inferplane's extender is at its limit of ${what} in flight; retry`));
    },
  };
}

/** kube-scheduler by its client certificate (in a cluster); an unauthenticated prioritize gets 403, the others Error. */
function authenticated(verb: Verb, opts: ExtenderRoutesOptions) {
  return (req: Request, res: Response, next: () => void): void => {
    const problem = opts.schedulerName === undefined ? undefined : schedulerIdentityProblem(req, opts.schedulerName);
    if (!problem) {
      next();
      return;
    }
    countRefused(opts.metrics, "extender", "unauthenticated");
    opts.log.warn("extender call refused", { verb, reason: problem, client: req.socket.remoteAddress });
    dropUnreadBody(req, res);
    if (verb === "prioritize") res.status(403).type("text/plain").send(`${problem}\n`);
    else sendJson(res, verbError(verb, problem));
  };
}

/** POST /scheduler/filter, /scheduler/prioritize and /scheduler/bind on the HTTPS server. */
export function mountExtender(app: Express, opts: ExtenderRoutesOptions): void {
  const extender = new Extender(opts.view);
  const events = opts.events && new OncePerVersion(opts.events);
  const reportTopology = topologyReporter(opts.view, opts.metrics, opts.log, events);
  const budget = opts.budget ?? new InFlightBudget(256, 24 * 1024 * 1024);
  const guard = (verb: Verb): Array<(req: Request, res: Response, next: () => void) => void> => [
    authenticated(verb, opts),
    intake({
      limit: MAX_BODY_BYTES,
      budget,
      replies: refusals(verb, budget),
      onRefused: (reason) => {
        countRefused(opts.metrics, "extender", reason);
      },
    }),
  ];

  app.post("/scheduler/filter", ...guard("filter"), (req, res) => {
    const end = opts.metrics.extenderDuration.startTimer({ verb: "filter" });
    let args: ExtenderArgs | undefined;
    try {
      args = parseRequest(bodyOf(req));
      const pending = notSynced(opts.view);
      if (pending) throw new WireError(pending);
      reportTopology();
      const decision = extender.filter(args.pod, args.candidates);
      const passed = decision.passed === "all" ? args.candidates.count : decision.passed.size;
      opts.metrics.extenderNodes.inc({ verb: "filter", result: "passed" }, passed);
      opts.metrics.extenderNodes.inc({ verb: "filter", result: "failed" }, args.candidates.count - passed);
      if (decision.planned) opts.metrics.gangsPlanned.inc();
      if (decision.unschedulable) opts.metrics.unschedulableGangs.inc({ reason: decision.unschedulable });
      for (const notice of decision.notices ?? []) events?.warn(notice);
      sendJson(res, filterReplyJson(args, decision.passed, decision.failed, "", decision.unresolvable));
    } catch (err) {
      const level = err instanceof WireError ? "warn" : "error";
      opts.log[level]("extender filter failed", { error: errorText(err), cause: causeOf(err) });
      sendJson(res, verbError("filter", errorText(err), args));
    } finally {
      end();
    }
  });

  app.post("/scheduler/prioritize", ...guard("prioritize"), (req, res) => {
    const end = opts.metrics.extenderDuration.startTimer({ verb: "prioritize" });
    try {
      const args = parseRequest(bodyOf(req));
      res.json(notSynced(opts.view) ? [] : extender.prioritize(args.pod, args.candidates));
    } catch (err) {
      if (err instanceof WireError) {
        // HostPriorityList has no Error field: a non-200 is how the scheduler learns of bad input.
        res.status(400).type("text/plain").send(`${err.message}\n`);
        return;
      }
      // A fault of ours: no opinion (every node scores 0), and the cause in the log.
      opts.log.error("extender prioritize failed", { cause: causeOf(err) });
      res.json([]);
    } finally {
      end();
    }
  });

  app.post("/scheduler/bind", ...guard("bind"), (req, res) => {
    const end = opts.metrics.extenderDuration.startTimer({ verb: "bind" });
    void bind(bodyOf(req), opts)
      .then((error) => {
        res.json({ Error: error });
      })
      .finally(end);
  });
}

function causeOf(err: unknown): string | undefined {
  if (err instanceof WireError) return undefined;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** The bind verb: "" when bound, otherwise why not (kube-scheduler reads Error); never rejects. */
async function bind(body: Buffer, opts: ExtenderRoutesOptions): Promise<string> {
  let args;
  try {
    args = parseBindingArgs(parseJson(body));
  } catch (err) {
    return errorText(err);
  }
  const who = `pod ${args.podNamespace}/${args.podName}`;
  if (!opts.binder)
    return `bind is not enabled in inferplane (--extender-bind); remove bindVerb from the scheduler's extender configuration (${who})`;
  const known = opts.view.get(POD, args.podNamespace, args.podName);
  const knownUid = known?.metadata?.uid;
  if (knownUid && knownUid !== args.podUID)
    return `${who} has UID ${knownUid}, not ${args.podUID}: it was recreated; not binding`;
  try {
    await opts.binder.bind(args);
    opts.log.info("pod bound", { pod: who, node: args.node });
    return "";
  } catch (err) {
    const message = (err as { body?: string }).body ?? String(err);
    return `binding ${who} to ${args.node} failed: ${message}`;
  }
}
