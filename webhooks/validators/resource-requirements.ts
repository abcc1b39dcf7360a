import { parseQuantity, QuantityError } from "../../src/kube/quantity.js";
import { QUALIFIED_NAME_RULE } from "../../src/kube/validation.js";
import { isGpuResource } from "../../src/nvidia/resources.js";
import { entryPath, type FieldError } from "../field-errors.js";

/** Requests and limits as written in a custom resource or a pod template: untrusted values. */
interface Requirements {
  requests?: unknown;
  limits?: unknown;
}

function entries(map: unknown): [string, unknown][] {
  return typeof map === "object" && map !== null && !Array.isArray(map) ? Object.entries(map) : [];
}

/** Milli-units of one quantity, or its field error: a quantity, not negative, whole for an extended resource (a GPU). */
function quantityOf(path: string, name: string, value: unknown): number | FieldError {
  let milli: number;
  try {
    milli = parseQuantity(value as string | number);
  } catch (err) {
    if (!(err instanceof QuantityError)) throw err;
    return { path, detail: err.message, fix: "write it like 16Gi, 500m or 2" };
  }
  if (milli < 0)
    return {
      path,
      detail: `${JSON.stringify(value)} is negative`,
      fix: "a quantity a container asks for is 0 or more",
    };
  if (isGpuResource(name) && milli % 1000 !== 0)
    return {
      path,
      detail: `${JSON.stringify(value)} is not a whole number`,
      fix: `${name} is counted in whole devices`,
    };
  return milli;
}

function sideErrors(path: string, map: unknown, parsed: Map<string, number>): FieldError[] {
  return entries(map).flatMap(([name, value]) => {
    const at = entryPath(path, name);
    const names = QUALIFIED_NAME_RULE.check(name);
    if (names.length > 0)
      return [
        {
          path: at,
          detail: `${JSON.stringify(name)} is not a resource name: ${names.join(" and ")}`,
          fix: "name it like memory or nvidia.com/gpu",
        },
      ];
    const milli = quantityOf(at, name, value);
    if (typeof milli !== "number") return [milli];
    parsed.set(name, milli);
    return [];
  });
}

/**
 * What kube-apiserver refuses in a container's resources (ValidateResourceRequirements): a name
 * that is not a resource name, a value that is no quantity or is negative, a fraction of an extended
 * resource, and a request above its limit. `path` names the requirements (`spec.resources`).
 */
export function resourceRequirementsErrors(path: string, resources: Requirements | undefined): FieldError[] {
  if (resources === undefined) return [];
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  const errors = [
    ...sideErrors(`${path}.requests`, resources.requests, requests),
    ...sideErrors(`${path}.limits`, resources.limits, limits),
  ];
  for (const [name, request] of requests) {
    const limit = limits.get(name);
    if (limit !== undefined && request > limit)
      errors.push({
        path: entryPath(`${path}.requests`, name),
        detail: `${JSON.stringify(entries(resources.requests).find(([n]) => n === name)?.[1])} is above the limit`,
        fix: `ask for at most the ${name} limit, or raise the limit`,
      });
  }
  return errors;
}
