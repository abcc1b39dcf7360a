/** The apiserver may cut admission warnings longer than this; we cut them ourselves, visibly. */
const MAX_WARNING_LENGTH = 120;

export function admissionWarnings(warnings: readonly string[]): string[] {
  return warnings.map((w) => (w.length <= MAX_WARNING_LENGTH ? w : `${w.slice(0, MAX_WARNING_LENGTH - 1)}…`));
}
