import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AdmissionRequest } from "../../webhooks/admission-review.js";
import { FileClusterView } from "../../src/cluster-view/file-view.js";
import { silentLogger } from "../../src/logging.js";
import type { AdmissionContext } from "../../webhooks/context.js";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** This repository's own fixtures (provenance in test/fixtures/README.md). */
export const FIXTURES = join(REPO_ROOT, "test", "fixtures");
export const EXAMPLES = join(REPO_ROOT, "examples");

/** A request captured from a real apiserver (test/fixtures/admission). */
export function capturedRequest(name: string): AdmissionRequest {
  return JSON.parse(readFileSync(join(FIXTURES, "admission", `${name}.json`), "utf8")) as AdmissionRequest;
}

export function review(request: AdmissionRequest | Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request };
}

/** The examples' ModelInfers as a cluster view, ready to use. */
export async function examplesContext(): Promise<AdmissionContext> {
  const view = new FileClusterView(EXAMPLES, silentLogger, false);
  await view.start();
  return { view, policy: { excludedNamespaces: new Set(["kube-system", "inferplane-system"]) } };
}
