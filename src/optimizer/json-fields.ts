import { describeRange, inRange, type NumberRange } from "./data-ranges.js";

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

/** A number within its documented range (data-ranges.ts); the error names the range. */
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
