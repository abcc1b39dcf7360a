import type { WorkloadChange } from "../optimizer/loop/change.js";
import type { CycleInput } from "../optimizer/loop/read-cycle.js";
import { describeSkipped } from "../optimizer/loop/read-cycle.js";
import { requestsOf, type ApiRequest } from "../optimizer/loop/requests.js";
import { describeRef, type WorkloadRef } from "../optimizer/loop/workload.js";
import { solutionReport } from "../optimizer/solution-data.js";
import type { Solution } from "../optimizer/solution.js";

/** One dry-run cycle: where the data came from, what was read, solved and planned. */
export interface DryRun {
  source: string;
  capacity: string;
  input: CycleInput;
  solution: Solution;
  changes: WorkloadChange[];
}

interface LoadReport {
  rpm: number;
  inTokens: number;
  outTokens: number;
  /** `Prometheus`, or why the labels' load was used. */
  from: string;
}

const sameRef = (a: WorkloadRef, b: WorkloadRef): boolean =>
  a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;

function loadOf(run: DryRun, ref: WorkloadRef): LoadReport | undefined {
  const workload = run.input.workloads.find((w) => sameRef(w.ref, ref));
  const spec = workload && run.input.system.servers.find((s) => s.name === workload.server);
  if (!workload || !spec) return undefined;
  const fallback = run.input.readings.fallbacks.find((f) => f.server === workload.server);
  return {
    rpm: spec.load.arrivalRate,
    inTokens: spec.load.avgInTokens,
    outTokens: spec.load.avgOutTokens,
    from: fallback ? `its labels or annotations (${fallback.reason})` : "Prometheus",
  };
}

function requestLines(request: ApiRequest): string[] {
  if (request.method === "POST") {
    const event = request.body as { type: string; reason: string; message: string };
    return [`  event  ${event.type} ${event.reason}: ${event.message}`];
  }
  return [`  ${request.method.padEnd(6)} ${request.path}`, `         ${JSON.stringify(request.body)}`];
}

function changeLines(run: DryRun, change: WorkloadChange): string[] {
  const load = loadOf(run, change.ref);
  return [
    "",
    `${describeRef(change.ref)}: ${change.summary}`,
    ...(load
      ? [
          `  load   ${load.rpm.toFixed(1)} req/min, ${load.inTokens} in / ${load.outTokens} out tokens per request, from ${load.from}`,
        ]
      : []),
    ...requestsOf(change).flatMap(requestLines),
  ];
}

/**
 * The dry run for people: a header (data, capacity, solver), then per object its allocation, its
 * load and where it came from, and the requests the loop would send (merge patch, status, Event);
 * then what was not sized, and the total.
 */
export function dryRunText(run: DryRun): string {
  const { solution } = run;
  const lines = [
    `# one optimizer loop cycle, nothing written: data ${run.source}, capacity from ${run.capacity}, solver ${solution.solver} (${solution.status})`,
    ...run.changes.flatMap((c) => changeLines(run, c)),
    "",
    ...run.input.skipped.map((s) => `not sized: ${describeSkipped(s)}`),
    ...solution.unallocated.map((u) => `not allocated: ${u.server}: ${u.reason}`),
    `total cost: ${solution.totalCost.toFixed(2)} cents/hour for ${solution.allocations.length} of ${run.input.workloads.length} objects`,
  ];
  return `${lines.join("\n")}\n`;
}

/** The same as JSON: per object its allocation, load and requests; what was skipped; inferno's solution report. */
export function dryRunJson(run: DryRun): Record<string, unknown> {
  return {
    data: run.source,
    capacity: run.capacity,
    objects: run.changes.map((c) => ({
      ...c.ref,
      summary: c.summary,
      ...(loadOf(run, c.ref) ? { load: loadOf(run, c.ref) } : {}),
      requests: requestsOf(c),
    })),
    skipped: run.input.skipped.map((s) => ({ ...s.ref, reason: s.reason })),
    solution: solutionReport(run.solution),
  };
}
