import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { CustomResourceDefinition, OpenApiSchema } from "../../src/apis/crds.js";
import { schemaProblems } from "./crd-schema.js";
import { FIXTURES } from "./fixtures.js";
import { assertValidKubernetes } from "./schema.js";

/**
 * The published CRDs of the Gateway API objects inferplane emits (test/fixtures/gateway-api/README.md):
 * their OpenAPI schemas, checked as admission checks ours (webhooks/validators/crd-schema.ts: types,
 * enums, bounds, patterns, unknown fields; not the CEL rules).
 */
const PUBLISHED: Record<string, string> = {
  "inference.networking.k8s.io/v1/InferencePool": "gateway-api/inference.networking.k8s.io_inferencepools.yaml",
  "gateway.networking.k8s.io/v1/HTTPRoute": "gateway-api/gateway.networking.k8s.io_httproutes.yaml",
};

const schemas = new Map<string, OpenApiSchema>();

function publishedSchema(apiVersion: string, kind: string): OpenApiSchema | undefined {
  const key = `${apiVersion}/${kind}`;
  const file = PUBLISHED[key];
  if (!file) return undefined;
  if (!schemas.has(key)) {
    const crd = parse(readFileSync(join(FIXTURES, file), "utf8")) as CustomResourceDefinition;
    const version = crd.spec.versions.find((v) => `${crd.spec.group}/${v.name}` === apiVersion);
    if (!version) throw new Error(`${file} has no version ${apiVersion}`);
    schemas.set(key, version.schema.openAPIV3Schema);
  }
  return schemas.get(key);
}

/** Throws unless `obj` is valid by its official schema: kubernetes-models for Kubernetes' kinds, the published CRD for Gateway API's. */
export function assertValidEmitted(obj: { apiVersion?: string; kind?: string; metadata?: { name?: string } }): void {
  const schema = publishedSchema(obj.apiVersion ?? "", obj.kind ?? "");
  if (!schema) {
    assertValidKubernetes(obj);
    return;
  }
  const problems = schemaProblems(schema, obj);
  if (problems.length > 0)
    throw new Error(`${obj.kind ?? "?"} ${obj.metadata?.name ?? "?"} is not valid: ${problems.join("; ")}`);
}
