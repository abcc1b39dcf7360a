/** AdmissionReview admission.k8s.io/v1 (DESIGN §5): request checks and the reply. */

export const ADMISSION_API_VERSION = "admission.k8s.io/v1";
export const ADMISSION_KIND = "AdmissionReview";

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export type Operation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  resource?: { group: string; version: string; resource: string };
  subResource?: string;
  name?: string;
  namespace?: string;
  operation: Operation;
  object?: unknown;
  oldObject?: unknown;
  dryRun?: boolean;
  userInfo?: { username?: string };
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  patchType?: "JSONPatch";
  patch?: string;
  warnings?: string[];
  status?: { code: number; message: string };
}

export interface AdmissionReviewReply {
  apiVersion: string;
  kind: string;
  response: AdmissionResponse;
}

export class BadReviewError extends Error {}

const OPERATIONS = new Set(["CREATE", "UPDATE", "DELETE", "CONNECT"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseKind(value: unknown): GroupVersionKind {
  if (!isRecord(value) || typeof value.kind !== "string" || typeof value.version !== "string") {
    throw new BadReviewError("request.kind must be {group, version, kind}");
  }
  return { group: typeof value.group === "string" ? value.group : "", version: value.version, kind: value.kind };
}

/** Checks an already JSON-parsed body; throws BadReviewError with a one-line reason. */
export function parseAdmissionReview(body: unknown): AdmissionRequest {
  if (!isRecord(body)) throw new BadReviewError("body is not a JSON object");
  if (body.apiVersion !== ADMISSION_API_VERSION)
    throw new BadReviewError(`apiVersion must be ${ADMISSION_API_VERSION}, got ${JSON.stringify(body.apiVersion)}`);
  if (body.kind !== ADMISSION_KIND)
    throw new BadReviewError(`kind must be ${ADMISSION_KIND}, got ${JSON.stringify(body.kind)}`);
  const request = body.request;
  if (!isRecord(request)) throw new BadReviewError("request is missing");
  if (typeof request.uid !== "string" || request.uid === "") throw new BadReviewError("request.uid is missing");
  if (typeof request.operation !== "string" || !OPERATIONS.has(request.operation)) {
    throw new BadReviewError("request.operation must be CREATE, UPDATE, DELETE or CONNECT");
  }
  return { ...(request as unknown as AdmissionRequest), kind: parseKind(request.kind) };
}

/** The reply carries the request's apiVersion and kind and echoes its uid. */
export function reviewReply(response: AdmissionResponse): AdmissionReviewReply {
  const cleaned: AdmissionResponse = { uid: response.uid, allowed: response.allowed };
  if (response.patch) {
    cleaned.patchType = "JSONPatch";
    cleaned.patch = response.patch;
  }
  if (response.warnings && response.warnings.length > 0) cleaned.warnings = response.warnings;
  if (response.status) cleaned.status = response.status;
  return { apiVersion: ADMISSION_API_VERSION, kind: ADMISSION_KIND, response: cleaned };
}

/** `kind` as `group/version/Kind` ("v1/Pod" for the core group), for logs and metrics. */
export function kindLabel(kind: GroupVersionKind): string {
  return kind.group ? `${kind.group}/${kind.version}/${kind.kind}` : `${kind.version}/${kind.kind}`;
}

/**
 * The request's uid from the first bytes of an AdmissionReview, without parsing it (an overload
 * answer must echo it, and must not cost a parse): the apiserver writes `request.uid` first — Go's
 * encoding/json keeps the field order of k8s.io/api/admission/v1 AdmissionRequest. "" if absent.
 */
export function sniffUid(head: Uint8Array): string {
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString("latin1");
  const match =
    /"request"\s*:\s*\{\s*"uid"\s*:\s*"([^"\\]{1,128})"/.exec(text) ?? /"uid"\s*:\s*"([^"\\]{1,128})"/.exec(text);
  return match?.[1] ?? "";
}

/**
 * The request's kind (`group/version/Kind`, as kindLabel writes it) from the first bytes of an
 * AdmissionReview, without parsing it: `request.kind` follows the uid in the apiserver's field
 * order. Undefined when it is not there.
 */
export function sniffKind(head: Uint8Array): string | undefined {
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString("latin1");
  const kind = /"request"\s*:\s*\{\s*"uid"\s*:\s*"[^"\\]*"\s*,\s*"kind"\s*:\s*(\{[^{}]*\})/.exec(text)?.[1];
  if (kind === undefined) return undefined;
  try {
    const parsed = JSON.parse(kind) as Partial<GroupVersionKind>;
    if (typeof parsed.version !== "string" || typeof parsed.kind !== "string") return undefined;
    return kindLabel({
      group: typeof parsed.group === "string" ? parsed.group : "",
      version: parsed.version,
      kind: parsed.kind,
    });
  } catch {
    return undefined;
  }
}
