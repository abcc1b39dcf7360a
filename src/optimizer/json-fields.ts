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

/** No inferno value comes near this; past it, sums and products of the model overflow to Infinity. */
export const MAX_MAGNITUDE = 1e12;

export function numberAt(obj: JsonObject, name: string, origin: Origin, fallback?: number): number {
  const value = field(obj, name);
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value))
    throw origin.at(name).error(value === undefined ? "missing" : `must be a number, got ${JSON.stringify(value)}`);
  if (Math.abs(value) > MAX_MAGNITUDE) throw origin.at(name).error(`must be at most ${MAX_MAGNITUDE}, got ${value}`);
  return value;
}

/** `value` (read from `name`) within its physical range, or an error naming the field and the range. */
export function atMost(value: number, max: number, name: string, origin: Origin, unit: string): number {
  if (value > max) throw origin.at(name).error(`${value} ${unit} is beyond the ${max} this optimizer accepts`);
  return value;
}

export function nonNegativeAt(obj: JsonObject, name: string, origin: Origin, fallback?: number): number {
  const value = numberAt(obj, name, origin, fallback);
  if (value < 0) throw origin.at(name).error(`must not be negative, got ${value}`);
  return value;
}

/** Go decodes a JSON number into an int field only when it is whole. */
export function integerAt(obj: JsonObject, name: string, origin: Origin, fallback?: number): number {
  const value = nonNegativeAt(obj, name, origin, fallback);
  if (!Number.isInteger(value)) throw origin.at(name).error(`must be a whole number, got ${value}`);
  return value;
}

export function booleanAt(obj: JsonObject, name: string, origin: Origin): boolean {
  const value = field(obj, name);
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") throw origin.at(name).error("must be true or false");
  return value;
}
