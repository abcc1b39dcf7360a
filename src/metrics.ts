import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Where a connection or request was refused before any work: a listener, or a family of paths. */
export type RefusedScope =
  "webhook-listener" | "optimizer-listener" | "health-listener" | "admission" | "extender" | "optimizer";

/** Why: a connection cap, the in-flight budget, a body limit, a full queue, or no credentials. */
export type RefusedReason =
  | "connections"
  | "client-connections"
  | "in-flight"
  | "bytes-in-flight"
  | "too-large"
  | "queue-full"
  | "unauthenticated"
  | "forbidden";

/**
 * Every metric of one server process, on its own registry (tests run several servers). Every label
 * takes its values from a closed set — known kinds (webhooks/metric-kind.ts), verbs, outcomes,
 * the unions above — never from request text, so no caller can grow /metrics.
 */
export interface Metrics {
  registry: Registry;
  admissionRequests: Counter<"webhook" | "kind" | "operation" | "outcome">;
  admissionDuration: Histogram<"webhook" | "kind" | "operation" | "outcome">;
  certificateReloads: Counter<"result">;
  certificateNotAfter: Gauge;
  extenderDuration: Histogram<"verb">;
  extenderNodes: Counter<"verb" | "result">;
  gangsPlanned: Counter;
  unschedulableGangs: Counter<"reason">;
  topologyProblems: Gauge;
  optimizerDuration: Histogram<"solver" | "outcome">;
  optimizerTotalCost: Gauge<"source">;
  reconciles: Counter<"controller" | "result">;
  reconcileDuration: Histogram<"controller">;
  refused: Counter<"scope" | "reason">;
  workerPoolJobs: Gauge<"pool" | "state">;
}

/** A worker pool's running and queued jobs, as the pool reports them. */
export function poolGauge(metrics: Metrics, pool: "optimizer" | "admission") {
  return ({ running, queued }: { running: number; queued: number }): void => {
    metrics.workerPoolJobs.set({ pool, state: "running" }, running);
    metrics.workerPoolJobs.set({ pool, state: "queued" }, queued);
  };
}

/** Counts a refusal; the types keep the label values in their closed sets. */
export function countRefused(metrics: Metrics, scope: RefusedScope, reason: RefusedReason): void {
  metrics.refused.inc({ scope, reason });
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "inferplane_" });
  const labelNames = ["webhook", "kind", "operation", "outcome"] as const;
  return {
    registry,
    admissionRequests: new Counter({
      name: "inferplane_admission_requests_total",
      help: "AdmissionReview requests answered, by webhook, object kind (kinds inferplane handles, else other), operation and outcome.",
      labelNames,
      registers: [registry],
    }),
    admissionDuration: new Histogram({
      name: "inferplane_admission_duration_seconds",
      help: "Time to answer an AdmissionReview, from parsed body to reply, in seconds.",
      labelNames,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    certificateReloads: new Counter({
      name: "inferplane_certificate_reloads_total",
      help: "Serving certificate reloads from the certificate directory, by result.",
      labelNames: ["result"],
      registers: [registry],
    }),
    reconciles: new Counter({
      name: "inferplane_reconcile_total",
      help: "Reconcile passes, by controller and result (success, error).",
      labelNames: ["controller", "result"],
      registers: [registry],
    }),
    reconcileDuration: new Histogram({
      name: "inferplane_reconcile_duration_seconds",
      help: "Time of one reconcile pass, by controller, in seconds.",
      labelNames: ["controller"],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    extenderDuration: new Histogram({
      name: "inferplane_extender_duration_seconds",
      help: "Time to answer a kube-scheduler extender call, by verb, in seconds.",
      labelNames: ["verb"],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    extenderNodes: new Counter({
      name: "inferplane_extender_nodes_total",
      help: "Candidate nodes the extender passed or failed, by verb and result.",
      labelNames: ["verb", "result"],
      registers: [registry],
    }),
    gangsPlanned: new Counter({
      name: "inferplane_extender_gang_filters_planned_total",
      help: "Filter calls for gang pods answered from a HyperNode plan.",
      registers: [registry],
    }),
    unschedulableGangs: new Counter({
      name: "inferplane_extender_unschedulable_gang_filters_total",
      help: "Filter calls that failed every node of a gang pod, by reason (waiting for members, no HyperNode fits).",
      labelNames: ["reason"],
      registers: [registry],
    }),
    topologyProblems: new Gauge({
      name: "inferplane_topology_problems",
      help: "Problems found in the HyperNode topology (cycles, doubly claimed nodes, bad regexes).",
      registers: [registry],
    }),
    certificateNotAfter: new Gauge({
      name: "inferplane_certificate_not_after_timestamp_seconds",
      help: "Expiry (notAfter) of the serving certificate in use, as a Unix time.",
      registers: [registry],
    }),
    optimizerDuration: new Histogram({
      name: "inferplane_optimizer_solve_duration_seconds",
      help: "Time to solve an allocation problem, by solver and outcome.",
      labelNames: ["solver", "outcome"],
      buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10, 60],
      registers: [registry],
    }),
    optimizerTotalCost: new Gauge({
      name: "inferplane_optimizer_total_cost",
      help: "Total cost (cents/hour) of the last solution, by where the solve came from (rest, control-loop).",
      labelNames: ["source"],
      registers: [registry],
    }),
    workerPoolJobs: new Gauge({
      name: "inferplane_worker_pool_jobs",
      help: "Jobs of the worker pools (optimizer, admission of large objects), running and queued.",
      labelNames: ["pool", "state"],
      registers: [registry],
    }),
    refused: new Counter({
      name: "inferplane_refused_total",
      help: "Connections and requests refused before any work, by scope (listener or path family) and reason.",
      labelNames: ["scope", "reason"],
      registers: [registry],
    }),
  };
}
