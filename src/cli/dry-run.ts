import type { Operation } from "fast-json-patch";
import type { AdmissionRequest, AdmissionResponse } from "../../webhooks/admission-review.js";
import type { AdmissionContext } from "../../webhooks/context.js";
import { processMutation } from "../../webhooks/mutate-processor.js";
import { applyPatch } from "../../webhooks/patch.js";
import { processValidation } from "../../webhooks/validate-processor.js";
import type { KubeObject } from "../kube/object.js";
import { crdSchema } from "../apis/crds.js";
import type { FieldError } from "../../webhooks/field-errors.js";
import { unknownFields } from "../../webhooks/validators/crd-schema.js";
import { admitBySchema } from "../../webhooks/validators/crd-gate.js";

/** The AdmissionRequest the apiserver would send to create `obj`. */
export function createRequest(obj: KubeObject, uid: string): AdmissionRequest {
  const [group, version] = (obj.apiVersion ?? "").includes("/")
    ? (obj.apiVersion ?? "").split("/")
    : ["", obj.apiVersion ?? ""];
  return {
    uid,
    kind: { group: group ?? "", version: version ?? "", kind: obj.kind ?? "" },
    name: obj.metadata?.name,
    namespace: obj.metadata?.namespace ?? "default",
    operation: "CREATE",
    object: obj,
    dryRun: true,
  };
}

export interface DryRunResult {
  mutation: AdmissionResponse;
  validation: AdmissionResponse | undefined;
  patch: Operation[];
  /** The object after the patch; the input when nothing changed or it was denied. */
  result: unknown;
}

/** What admission would do to one object: mutate, then validate the mutated object, as the apiserver does. */
export function dryRun(obj: KubeObject, ctx: AdmissionContext): DryRunResult {
  const request = createRequest(obj, "inferplane-dry-run");
  const mutation = processMutation(request, ctx).response;
  if (!mutation.allowed) return { mutation, validation: undefined, patch: [], result: obj };
  const patch = mutation.patch
    ? (JSON.parse(Buffer.from(mutation.patch, "base64").toString("utf8")) as Operation[])
    : [];
  const result = applyPatch(obj, patch);
  const validation = processValidation({ ...request, object: result }, ctx).response;
  return { mutation, validation, patch, result };
}

export function validateOnly(obj: KubeObject, ctx: AdmissionContext): AdmissionResponse {
  return processValidation(createRequest(obj, "inferplane-validate"), ctx).response;
}

/**
 * What the apiserver would say about one of our kinds without refusing it: the fields its CRD does
 * not define (strict field validation, kubectl's default, refuses them) and the null fields it
 * drops; empty for other kinds. The admission webhooks never see these: the apiserver handles them first.
 */
export function schemaNotices(obj: KubeObject): FieldError[] {
  const schema = crdSchema(obj.apiVersion ?? "", obj.kind ?? "");
  if (!schema) return [];
  return [...unknownFields(schema, obj), ...(admitBySchema(obj.apiVersion ?? "", obj.kind ?? "", obj)?.dropped ?? [])];
}
