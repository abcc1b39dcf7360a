import {
  arrayAt,
  hasField,
  atMost,
  integerAt,
  nonNegativeAt,
  numberAt,
  stringAt,
  type JsonObject,
  type Origin,
} from "../json-fields.js";
import type { LoadSpec, Target } from "../spec.js";
import { MAX_ARRIVAL_RATE, MAX_TOKENS, MIN_ARRIVAL_RATE } from "../limits.js";
import { current, type GreedyEntry } from "../solvers/greedy-entries.js";

/** The SLO fields every version reads (each uses its own subset); absent = 0 = no target. */
export function targetFrom(entry: JsonObject, at: Origin): Target {
  return {
    itl: nonNegativeAt(entry, "slo-itl", at, 0),
    ttw: nonNegativeAt(entry, "slo-ttw", at, 0),
    ttft: nonNegativeAt(entry, "slo-ttft", at, 0),
    tps: nonNegativeAt(entry, "slo-tps", at, 0),
  };
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
  const arrivalRate = numberAt(load, "arrivalRate", at, 0);
  if (arrivalRate < 0) throw at.at("arrivalRate").error(`a request rate cannot be negative, got ${arrivalRate}`);
  if (arrivalRate > 0 && arrivalRate < MIN_ARRIVAL_RATE)
    throw at
      .at("arrivalRate")
      .error(`${arrivalRate} requests/minute is below ${MIN_ARRIVAL_RATE}, too small to size for; give 0 for no load`);
  return atMost(arrivalRate, MAX_ARRIVAL_RATE, "arrivalRate", at, "requests/minute");
}

/** Tokens per request (`name`), within MAX_TOKENS. */
export function tokensOf(load: JsonObject, name: string, at: Origin): number {
  return atMost(integerAt(load, name, at, 0), MAX_TOKENS, name, at, "tokens");
}

/** V2 and V3: input and output tokens per request. */
export function inOutLoad(load: JsonObject, at: Origin): LoadSpec {
  return {
    arrivalRate: arrivalRateOf(load, at),
    avgInTokens: tokensOf(load, "avgInTokens", at),
    avgOutTokens: tokensOf(load, "avgOutTokens", at),
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
