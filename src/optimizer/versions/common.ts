import { arrayAt, hasField, rangedAt, stringAt, type JsonObject, type Origin } from "../json-fields.js";
import { RANGES } from "../limits.js";
import type { LoadSpec, Target } from "../spec.js";
import { current, type GreedyEntry } from "../solvers/greedy-entries.js";

/** The SLO fields every version reads (each uses its own subset); absent = 0 = no target. */
export function targetFrom(entry: JsonObject, at: Origin): Target {
  return {
    itl: rangedAt(entry, "slo-itl", at, RANGES.sloTime, 0),
    ttw: rangedAt(entry, "slo-ttw", at, RANGES.sloTime, 0),
    ttft: rangedAt(entry, "slo-ttft", at, RANGES.sloTime, 0),
    tps: rangedAt(entry, "slo-tps", at, RANGES.sloTps, 0),
  };
}

/**
 * V1's alpha/beta and V2's decodeParms: each a time in range, not both 0 — a token that takes no
 * time has no queue (inferno divides by zero there).
 */
export function decodeParms(entry: JsonObject, at: Origin): { alpha: number; beta: number } {
  const alpha = rangedAt(entry, "alpha", at, RANGES.perfTime);
  const beta = rangedAt(entry, "beta", at, RANGES.perfTime);
  if (alpha === 0 && beta === 0) throw at.error("alpha and beta are both 0: a token would take no time");
  return { alpha, beta };
}

/** V2 and V3: a class lists its models under modelTargets. */
export function modelTargets(entry: JsonObject, at: Origin): [string, Target][] {
  if (!hasField(entry, "modelTargets")) throw at.error("a V2 or V3 service class lists its models under modelTargets");
  return arrayAt(entry, "modelTargets", at).map((target, j) => {
    const targetAt = at.at("modelTargets").at(j);
    return [stringAt(target, "model", targetAt), targetFrom(target, targetAt)];
  });
}

export function arrivalRateOf(load: JsonObject, at: Origin): number {
  return rangedAt(load, "arrivalRate", at, RANGES.arrivalRate, 0);
}

/** V2 and V3: input and output tokens per request. */
export function inOutLoad(load: JsonObject, at: Origin): LoadSpec {
  return {
    arrivalRate: arrivalRateOf(load, at),
    avgInTokens: rangedAt(load, "avgInTokens", at, RANGES.tokens, 0),
    avgOutTokens: rangedAt(load, "avgOutTokens", at, RANGES.tokens, 0),
  };
}

/** inferno V2 and V3 (NewServiceClass): a priority outside [1, 100] becomes 100, the lowest. */
export function boundedPriority(declared: number | undefined): number {
  return declared === undefined || declared < 1 || declared > 100 ? 100 : declared;
}

/**
 * inferno V2's and V3's order (pkg/solver/greedy.go, "straight priorities"): higher priority
 * (lower number) first; then the larger regret; then the dearer current candidate. Go's sort breaks
 * remaining ties at random; the server name breaks them here, so runs repeat.
 */
export function straightPriorityOrder(a: GreedyEntry, b: GreedyEntry): number {
  return (
    a.entry.priority - b.entry.priority ||
    b.delta - a.delta ||
    (current(b)?.value ?? 0) - (current(a)?.value ?? 0) ||
    a.entry.server.name.localeCompare(b.entry.server.name)
  );
}
