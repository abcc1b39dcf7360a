import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { PACKAGE_ROOT } from "../paths.js";

/**
 * The part of OpenAPI v3 (apiextensions.k8s.io/v1 `JSONSchemaProps`) that our structural CRD
 * schemas use. The CRD YAML in `crds/` is the one source of every schema of our own kinds.
 */
export interface OpenApiSchema {
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  description?: string;
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  items?: OpenApiSchema;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
  /** Whether null is a value of the field; otherwise the apiserver drops a null (or defaults it) before validating. */
  nullable?: boolean;
  anyOf?: OpenApiSchema[];
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
}

/** A CustomResourceDefinition (apiextensions.k8s.io/v1), as far as schemas go. */
export interface CustomResourceDefinition {
  metadata: { name: string };
  spec: {
    group: string;
    scope?: "Namespaced" | "Cluster";
    names: { kind: string; plural: string };
    versions: { name: string; served: boolean; schema: { openAPIV3Schema: OpenApiSchema } }[];
  };
}

/** The shipped CRDs: `crds/` of the package (beside `src/` and `dist/`; the image copies it too). */
export const CRDS_DIR = join(PACKAGE_ROOT, "crds");

/** Every CRD in `dir` (`*.yaml`, one CRD a file), sorted by file name. Throws when a file cannot be read or parsed. */
export function readCrds(dir: string = CRDS_DIR): CustomResourceDefinition[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".yaml"))
    .sort()
    .map((file) => parse(readFileSync(join(dir, file), "utf8")) as CustomResourceDefinition);
}

/** `group/version/Kind` → the served version's schema, for every CRD in `dir`. */
export function crdSchemas(crds: readonly CustomResourceDefinition[]): Map<string, OpenApiSchema> {
  const schemas = new Map<string, OpenApiSchema>();
  for (const crd of crds) {
    for (const version of crd.spec.versions.filter((v) => v.served))
      schemas.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, version.schema.openAPIV3Schema);
  }
  return schemas;
}

let shipped: Map<string, OpenApiSchema> | undefined;
let clusterScoped: Set<string> | undefined;

/**
 * The schema of one of our kinds (`apiVersion` as in the object, e.g. `workload.matrixinfer.ai/v1alpha1`),
 * or undefined for any other kind. Reads `crds/` once, on first use.
 */
export function crdSchema(apiVersion: string, kind: string): OpenApiSchema | undefined {
  shipped ??= crdSchemas(readCrds());
  return shipped.get(`${apiVersion}/${kind}`);
}

/** Whether one of our kinds is namespaced (its CRD's scope); undefined for any other kind. */
export function crdNamespaced(apiVersion: string, kind: string): boolean | undefined {
  if (!crdSchema(apiVersion, kind)) return undefined;
  clusterScoped ??= new Set(
    readCrds()
      .filter((crd) => crd.spec.scope === "Cluster")
      .flatMap((crd) => crd.spec.versions.map((v) => `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`)),
  );
  return !clusterScoped.has(`${apiVersion}/${kind}`);
}
