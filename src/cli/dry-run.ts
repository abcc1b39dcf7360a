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
 * The fields of one of our kinds that its CRD does not define, as the apiserver's strict field
 * validation (kubectl's default) would refuse them; empty for other kinds. The admission webhooks
 * never see these: the apiserver prunes or refuses them first.
 */
export function unknownFieldsOf(obj: KubeObject): FieldError[] {
  const schema = crdSchema(obj.apiVersion ?? "", obj.kind ?? "");
  return schema ? unknownFields(schema, obj) : [];
}
