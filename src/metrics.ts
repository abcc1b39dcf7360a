import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Every metric of one server process, on its own registry (tests run several servers). */
export interface Metrics {
  registry: Registry;
  admissionRequests: Counter<"webhook" | "kind" | "operation" | "outcome">;
  admissionDuration: Histogram<"webhook" | "kind" | "operation" | "outcome">;
  certificateReloads: Counter<"result">;
  certificateNotAfter: Gauge;
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
      help: "AdmissionReview requests answered, by webhook, object kind, operation and outcome.",
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
    certificateNotAfter: new Gauge({
      name: "inferplane_certificate_not_after_timestamp_seconds",
      help: "Expiry (notAfter) of the serving certificate in use, as a Unix time.",
      registers: [registry],
    }),
  };
}
