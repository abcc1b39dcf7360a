import { parseQuantity, QuantityError } from "../../src/kube/quantity.js";
import { int32, MAX_INT32, parseDecimal } from "../../src/kube/validation.js";
import type { FieldError } from "../field-errors.js";

/** Field errors (deny, 422) and warnings (allow, but say) found in one object. */
export interface Findings {
  problems: FieldError[];
  warnings: string[];
}

export function findings(): Findings {
  return { problems: [], warnings: [] };
}

/** Adds each error that is there. */
export function addProblems(f: Findings, ...errors: (FieldError | undefined)[]): void {
  for (const error of errors) if (error) f.problems.push(error);
}

/** A Kubernetes quantity, or the error with it. */
export function quantityProblem(path: string, value: string | number | undefined): FieldError | undefined {
  if (value === undefined) return undefined;
  try {
    parseQuantity(value);
    return undefined;
  } catch (err) {
    if (err instanceof QuantityError)
      return { path, detail: `"${value}" is not a Kubernetes quantity`, fix: "write it like 16Gi or 500M" };
    throw err;
  }
}

const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** A Go duration as Kubernetes writes them: 90s, 1h, 1h30m. */
export function durationProblem(path: string, value: string | undefined): FieldError | undefined {
  if (value === undefined || DURATION.test(value)) return undefined;
  return { path, detail: `"${value}" is not a duration`, fix: "write it like 30m, 24h or 1h30m" };
}

/** A whole number from 1 to 2^31-1 written as a string in plain decimal digits (engine flags, which engines read as ints). */
export function positiveIntegerProblem(path: string, value: string | undefined): FieldError | undefined {
  if (value === undefined || int32(parseDecimal(value), 1) !== undefined) return undefined;
  return {
    path,
    detail: `"${value}" must be a whole number from 1 to ${MAX_INT32}`,
    fix: 'write it as digits, e.g. "8192"',
  };
}
