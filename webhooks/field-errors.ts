/**
 * Field errors, as Kubernetes reports invalid objects (k8s.io/apimachinery/pkg/util/validation/field
 * `ErrorList`, which LeaderWorkerSet's validators return): every rule returns a list of these,
 * and they are rendered to text in one place, so tests assert on paths, not on wording.
 */
export interface FieldError {
  /** The field, as `kubectl explain` names it: `spec.template.roles[0].name`, `metadata.annotations[x]`. */
  path: string;
  /** What is wrong with the value as written: `"Decode" is not a DNS-1035 label`. */
  detail: string;
  /** What to do about it: `use lower-case letters, digits and '-', starting with a letter`. */
  fix: string;
}

/** `path: detail; fix` — the one text form of a field error, in messages, warnings and the CLI. */
export function formatFieldError(error: FieldError): string {
  const what = error.path ? `${error.path}: ${error.detail}` : error.detail;
  return error.fix ? `${what}; ${error.fix}` : what;
}

/** `<Kind> <ns>/<name> is invalid: <error>; and <error>` — as the apiserver words an Invalid status. */
export function formatInvalid(kind: string, namespace: string, name: string, errors: readonly FieldError[]): string {
  return formatDenial(kind, namespace, name, { code: DenialCode.Invalid, errors });
}

/**
 * The one HTTP status code per kind of fault in an admission denial (DESIGN.md §14), as the
 * apiserver uses them: a request that is not a well-formed AdmissionReview is 400 BadRequest;
 * an object whose fields can never work is 422 Invalid (field errors); an object that is well formed
 * but refused in this cluster (it names something that does not exist, or asks for what the
 * cluster cannot give) is 403 Forbidden; too many requests at once is 429; a fault of ours is 500;
 * not ready yet (cluster view not synced) is 503.
 */
export const DenialCode = {
  BadRequest: 400,
  Forbidden: 403,
  Invalid: 422,
  TooManyRequests: 429,
  Internal: 500,
  Unavailable: 503,
} as const;

export type DenialCode = (typeof DenialCode)[keyof typeof DenialCode];

/** Why an object is refused: one fault kind, and the field errors that make it. */
export interface Denial {
  code: DenialCode;
  errors: readonly FieldError[];
}

/** How the status message says each fault kind, after `<Kind> <ns>/<name>`, as the apiserver's reasons read. */
const VERDICT: Record<DenialCode, string> = {
  [DenialCode.BadRequest]: "is a bad request",
  [DenialCode.Forbidden]: "is forbidden",
  [DenialCode.Invalid]: "is invalid",
  [DenialCode.TooManyRequests]: "cannot be admitted now",
  [DenialCode.Internal]: "cannot be admitted",
  [DenialCode.Unavailable]: "cannot be admitted yet",
};

/**
 * The `status.message` of a denial, the one place field errors become a sentence:
 * `Pod ml/x is forbidden: metadata.annotations[inference.ai/token-cache]: …; create it; and …`.
 */
export function formatDenial(kind: string, namespace: string, name: string, denial: Denial): string {
  const where = namespace ? `${namespace}/${name}` : name;
  return `${kind} ${where} ${VERDICT[denial.code]}: ${denial.errors.map(formatFieldError).join("; and ")}`;
}

/** `metadata.labels[key]`, `metadata.annotations[key]`: how a path names one entry of a map. */
export function entryPath(map: string, key: string): string {
  return `${map}[${key}]`;
}
