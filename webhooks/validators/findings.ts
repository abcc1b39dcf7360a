import { parseQuantity, QuantityError } from "../../src/kube/quantity.js";

/** Problems (deny) and warnings (allow, but say) found in one object. */
export interface Findings {
  problems: string[];
  warnings: string[];
}

export function findings(): Findings {
  return { problems: [], warnings: [] };
}

/** A Kubernetes quantity, or the problem with it. */
export function quantityProblem(path: string, value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    parseQuantity(value);
    return undefined;
  } catch (err) {
    if (err instanceof QuantityError) return `${path}: "${value}" is not a Kubernetes quantity (e.g. 16Gi, 500M)`;
    throw err;
  }
}

const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** A Go duration as Kubernetes writes them: 90s, 1h, 1h30m. */
export function durationProblem(path: string, value: string | undefined): string | undefined {
  if (value === undefined || DURATION.test(value)) return undefined;
  return `${path}: "${value}" is not a duration (e.g. 30m, 24h, 1h30m)`;
}

/** A whole number ≥ 1 written as a string (engine flags). */
export function positiveIntegerProblem(path: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return /^[1-9]\d*$/.test(value) ? undefined : `${path}: "${value}" must be a whole number ≥ 1`;
}
