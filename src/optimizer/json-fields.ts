/**
 * Reading JSON the way Go's encoding/json does: a key matches its field exactly or, failing that,
 * case-insensitively ("milpsolver" fills MILPSolver, "AvgInTokens" fills avgInTokens). Every
 * error names the file and the entry, so a user can find the line to fix.
 */
export class OptimizerDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OptimizerDataError";
  }
}

export type JsonObject = Record<string, unknown>;

/** Where a value came from: a file and the path inside it. */
export class Origin {
  constructor(
    readonly file: string,
    readonly path: string,
  ) {}

  at(segment: string | number): Origin {
    const next =
      typeof segment === "number" ? `${this.path}[${segment}]` : this.path ? `${this.path}.${segment}` : segment;
    return new Origin(this.file, next);
  }

  error(problem: string): OptimizerDataError {
    return new OptimizerDataError(`${this.file}: ${this.path || "(top level)"}: ${problem}`);
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function field(obj: JsonObject, name: string): unknown {
  if (Object.hasOwn(obj, name)) return obj[name];
  const folded = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === folded);
  return key === undefined ? undefined : obj[key];
}

export function hasField(obj: JsonObject, name: string): boolean {
  return field(obj, name) !== undefined;
}

export function objectAt(obj: JsonObject, name: string, origin: Origin): JsonObject {
  const value = field(obj, name);
  if (!isObject(value)) throw origin.at(name).error(value === undefined ? "missing" : "must be an object");
  return value;
}

export function optionalObject(obj: JsonObject, name: string, origin: Origin): JsonObject | undefined {
  const value = field(obj, name);
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw origin.at(name).error("must be an object");
  return value;
}

export function arrayAt(obj: JsonObject, name: string, origin: Origin): JsonObject[] {
  const value = field(obj, name);
  if (!Array.isArray(value)) throw origin.at(name).error(value === undefined ? "missing" : "must be an array");
  return (value as unknown[]).map((item, i) => {
    if (!isObject(item)) throw origin.at(name).at(i).error("must be an object");
    return item;
  });
}

export function stringAt(obj: JsonObject, name: string, origin: Origin, fallback?: string): string {
  const value = field(obj, name);
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== "string" || value === "")
    throw origin.at(name).error(value === undefined ? "missing" : "must be a non-empty string");
  return value;
}

export function numberAt(obj: JsonObject, name: string, origin: Origin, fallback?: number): number {
  const value = field(obj, name);
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value === "number" && !Number.isFinite(value))
    throw origin.at(name).error(`must be a finite number, got ${value}`);
  if (typeof value !== "number")
    throw origin.at(name).error(value === undefined ? "missing" : `must be a number, got ${JSON.stringify(value)}`);
  return value;
}

/** The range of a number in the data (the table of them: limits.ts RANGES). */
export interface NumberRange {
  min: number;
  max: number;
  unit: string;
  /** Whole numbers only (Go reads the field into an int). */
  integer?: boolean;
  /**
   * A positive value must be at least this (0 stays allowed): below it a time's inverse (a rate)
   * overflows, or a rate divided into milliseconds underflows.
   */
  positiveMin?: number;
}

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

/** A number within its documented range (limits.ts RANGES); the error names the range. */
export function rangedAt(obj: JsonObject, name: string, origin: Origin, range: NumberRange, fallback?: number): number {
  const value = numberAt(obj, name, origin, fallback);
  if (!inRange(value, range)) throw origin.at(name).error(`must be ${describeRange(range)}, got ${value}`);
  return value;
}

export function booleanAt(obj: JsonObject, name: string, origin: Origin): boolean {
  const value = field(obj, name);
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") throw origin.at(name).error("must be true or false");
  return value;
}
