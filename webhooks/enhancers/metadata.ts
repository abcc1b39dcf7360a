import type { ObjectMeta } from "kubernetes-types/meta/v1.js";

/** Sets labels, never creating an empty map (MatrixInfer panicked on a nil annotations map). */
export function setLabels(meta: ObjectMeta, labels: Record<string, string>): void {
  meta.labels = { ...(meta.labels ?? {}), ...labels };
}

export function setAnnotations(meta: ObjectMeta, annotations: Record<string, string>): void {
  meta.annotations = { ...(meta.annotations ?? {}), ...annotations };
}

export function removeLabel(meta: ObjectMeta, key: string): void {
  if (!meta.labels || !(key in meta.labels)) return;
  meta.labels = Object.fromEntries(Object.entries(meta.labels).filter(([k]) => k !== key));
}
