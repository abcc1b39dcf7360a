import express, { type Express, type Request, type Response } from "express";
import type { Logger } from "../logging.js";
import type { Metrics } from "../metrics.js";
import type { ClusterView } from "../cluster-view/cluster-view.js";
import type { Binder } from "../../scheduler-extender/binder.js";
import { Extender } from "../../scheduler-extender/extender.js";
import type { Topology } from "../volcano/topology.js";
import { POD } from "../kube/core-kinds.js";
import { HyperNodeKind } from "../volcano/hypernode.js";
import { hyperNodeNotices, OncePerVersion, type EventRecorder } from "../../scheduler-extender/events.js";
import {
  filterReplyJson,
  parseBindingArgs,
  parseExtenderRequest,
  WireError,
  type ExtenderArgs,
} from "../../scheduler-extender/wire.js";
import { MAX_BODY_BYTES } from "./webhook-app.js";

export interface ExtenderRoutesOptions {
  view: ClusterView;
  metrics: Metrics;
  log: Logger;
  /** Set when bind is enabled (`--extender-bind`); otherwise the scheduler binds by itself. */
  binder?: Binder;
  /** Warning Events on PodGroups and HyperNodes with what the extender cannot honour (in a cluster). */
  events?: EventRecorder;
}

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

/** POST /scheduler/filter, /scheduler/prioritize and (when enabled) /scheduler/bind on the HTTPS server. */
export function mountExtender(app: Express, opts: ExtenderRoutesOptions): void {
  const extender = new Extender(opts.view);
  const events = opts.events && new OncePerVersion(opts.events);
  const reportTopology = topologyReporter(opts.view, opts.metrics, opts.log, events);
  // Raw text, parsed here: a body that is not JSON must still get HTTP 200 with Error.
  const json = express.text({ limit: MAX_BODY_BYTES, type: () => true });
  const parse = (body: unknown): ExtenderArgs => {
    if (typeof body !== "string" || body === "") throw new WireError("the request body is empty");
    return parseExtenderRequest(body);
  };

  app.post(
    "/scheduler/filter",
    json,
    timed("filter", opts.metrics, (req, res) => {
      let args: ExtenderArgs | undefined;
      try {
        args = parse(req.body);
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
        res.type("json").send(filterReplyJson(args, decision.passed, decision.failed, "", decision.unresolvable));
      } catch (err) {
        opts.log.warn("extender filter failed", { error: errorText(err) });
        res
          .type("json")
          .send(
            args
              ? filterReplyJson(args, new Set(), {}, errorText(err))
              : JSON.stringify({ FailedNodes: {}, FailedAndUnresolvableNodes: {}, Error: errorText(err) }),
          );
      }
    }),
  );

  app.post(
    "/scheduler/prioritize",
    json,
    timed("prioritize", opts.metrics, (req, res) => {
      try {
        const args = parse(req.body);
        res.json(notSynced(opts.view) ? [] : extender.prioritize(args.pod, args.candidates));
      } catch (err) {
        // HostPriorityList has no Error field: a non-200 is how the scheduler learns of it (and ignores it).
        res
          .status(400)
          .type("text/plain")
          .send(`${errorText(err)}\n`);
      }
    }),
  );

  app.post("/scheduler/bind", json, (req, res, next) => {
    const end = opts.metrics.extenderDuration.startTimer({ verb: "bind" });
    bind(req.body, opts)
      .then((error) => {
        res.json({ Error: error });
      }, next)
      .finally(end);
  });
}

/** The bind verb: "" when bound, otherwise why not (kube-scheduler reads Error). */
async function bind(body: unknown, opts: ExtenderRoutesOptions): Promise<string> {
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
