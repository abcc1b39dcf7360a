/**
 * The range of every number inferplane reads from inferno's data files, in the files' own units
 * (milliseconds, requests/minute, tokens, cents/hour). The parser (parse.ts, versions/) refuses a
 * value outside its range as an OptimizerDataError naming the file, the entry and the range. inferno
 * itself checks none of them (Go decodes any number; its model then divides by zero, overflows
 * float32 or allocates a batch-sized array); the bounds are far past any real system, and chosen
 * so that nothing the solvers derive from in-range data overflows a double, underflows a rate to
 * 0, or makes a queue (queue.ts) sum more states than a batch of at most 10¹⁰ can need.
 * Numbers inferplane does not read (memSize, memBW, power, arrivalCOV, …) are not checked.
 */
export interface NumberRange {
  min: number;
  max: number;
  unit: string;
  /** Whole numbers only (Go reads the field into an int). */
  integer?: boolean;
  /**
   * A positive value must be at least this (0 stays allowed): a time below it would make a
   * service rate (its inverse, times the batch) overflow to infinity.
   */
  positiveMin?: number;
}

/** A time parameter of the performance model: 0, or 1 ps to 1000 s. */
const PERF_TIME: NumberRange = { min: 0, max: 1e6, unit: "ms", positiveMin: 1e-9 };
/** An SLO target, 0 = none: up to 10⁹ ms (11 days). */
const SLO_TIME: NumberRange = { min: 0, max: 1e9, unit: "ms" };
/** Tokens of a request (0: no load, or no input). */
const TOKENS: NumberRange = { min: 0, max: 1e7, unit: "tokens", integer: true };
/** A replica or card count. */
const COUNT: NumberRange = { min: 0, max: 1e9, unit: "", integer: true };

export const RANGES = {
  /** accelerator-data: cards of its type per accelerator unit; default 1 (0 was read as 1 before: refused now). */
  multiplicity: { min: 1, max: 1024, unit: "cards", integer: true },
  /** accelerator-data: cost of one unit. */
  acceleratorCost: { min: 0, max: 1e9, unit: "cents/hour" },
  /** capacity-data: cards of a type available. */
  capacityCount: COUNT,
  /** model-data: accelerator units one replica takes; default 1 (0 was read as 1 before: refused now). */
  accCount: { min: 1, max: 1024, unit: "accelerator units", integer: true },
  /** model-data: the batch measured at atTokens tokens per request. */
  maxBatchSize: { min: 1, max: 1e9, unit: "requests", integer: true },
  /** model-data: the request size maxBatchSize was measured at. */
  atTokens: { min: 1, max: 1e7, unit: "tokens", integer: true },
  /** model-data: V1 alpha/beta, V2 decodeParms and prefillParms, V3 perfParms. */
  perfTime: PERF_TIME,
  /** serviceclass-data: any whole number; V1 reads a negative one as 0, V2/V3 one outside [1, 100] as 100. */
  priority: { min: -(2 ** 53 - 1), max: 2 ** 53 - 1, unit: "", integer: true },
  /** serviceclass-data: slo-itl, slo-ttw, slo-ttft. */
  sloTime: SLO_TIME,
  /** serviceclass-data: slo-tps. */
  sloTps: { min: 0, max: 1e12, unit: "tokens/s" },
  /** server-data: minNumReplicas. */
  minReplicas: { min: 0, max: 1e6, unit: "replicas", integer: true },
  /** server-data: maxBatchSize, the batch override; 0 = derive it from the model data. */
  batchOverride: { min: 0, max: 1e9, unit: "requests", integer: true },
  /** server-data: currentAlloc.load.arrivalRate. */
  arrivalRate: { min: 0, max: 1e9, unit: "requests/minute" },
  /** server-data: currentAlloc.load.avgLength (V1), avgInTokens and avgOutTokens (V2, V3). */
  tokens: TOKENS,
  /** server-data: currentAlloc.numReplicas and maxBatch. */
  allocationCount: COUNT,
  /** server-data: currentAlloc.cost. */
  allocationCost: { min: 0, max: 1e18, unit: "cents/hour" },
  /** server-data: currentAlloc.itlAverage, waitAverage, ttftAverage. */
  allocationTime: { min: 0, max: 1e12, unit: "ms" },
} as const satisfies Record<string, NumberRange>;

/**
 * The batch a replica's KV cache holds in tokens (maxBatchSize × atTokens): the batch for a
 * request of K tokens is this / K (inferno's rule), so it bounds every batch, and with it the
 * states a queue may need, to 10¹⁰ (a KV cache of ten billion tokens is petabytes).
 */
export const MAX_BATCH_TOKENS = 1e10;

export function inRange(value: number, range: NumberRange): boolean {
  if (!(value >= range.min && value <= range.max)) return false;
  if (range.integer && !Number.isInteger(value)) return false;
  return !(range.positiveMin !== undefined && value > 0 && value < range.positiveMin);
}

/** "a whole number in [1, 1024] (cards)", "0, or 1e-9 to 1000000 (ms)". */
export function describeRange(range: NumberRange): string {
  const unit = range.unit ? ` (${range.unit})` : "";
  const kind = range.integer ? "a whole number" : "a number";
  if (range.positiveMin !== undefined) return `0, or ${kind} from ${range.positiveMin} to ${range.max}${unit}`;
  return `${kind} in [${range.min}, ${range.max}]${unit}`;
}
