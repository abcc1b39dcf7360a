/**
 * Generates the TypeScript types of our custom resources from their CRDs (crds/*.yaml), so the
 * CRD's OpenAPI schema is the one source of truth: every field's `description` becomes its doc
 * comment, `required` decides optionality, `enum` becomes a union. Output goes to
 * src/apis/generated/ (not committed; `npm run generate`, run by build and typecheck).
 *
 *   node --import tsx scripts/generate-api-types.ts           write the files
 *   node --import tsx scripts/generate-api-types.ts --check   exit 1 when a file is stale
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compile, type JSONSchema } from "json-schema-to-typescript";
import { format } from "prettier";
import { parse } from "yaml";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const CRDS = join(ROOT, "crds");
const OUT = join(ROOT, "src", "apis", "generated");

/** Where a CRD leaves a field's shape open (preserve-unknown-fields), the Kubernetes type it holds. */
const EMBEDDED: Record<string, Record<string, { type: string; from?: string }>> = {
  "modelinfers.workload.matrixinfer.ai": {
    "spec.template.roles[].entryTemplate": { type: "PodTemplateSpec", from: "kubernetes-types/core/v1.js" },
    "spec.template.roles[].workerTemplate": { type: "PodTemplateSpec", from: "kubernetes-types/core/v1.js" },
  },
  "prefilldecodingdisaggregations.production-stack.vllm.ai": {
    "spec.topologyHint.affinity": { type: "Affinity", from: "kubernetes-types/core/v1.js" },
    "spec.prefillResources": { type: "ResourceRequirements", from: "kubernetes-types/core/v1.js" },
    "spec.decodeResources": { type: "ResourceRequirements", from: "kubernetes-types/core/v1.js" },
  },
  // A string in seed 001's example, {name, port} in seed 003's: the validating webhook checks which.
  "inferenceservices.production-stack.vllm.ai": { "spec.backendRef": { type: "unknown" } },
  "inferencegateways.production-stack.vllm.ai": {
    "spec.router.resources": { type: "ResourceRequirements", from: "kubernetes-types/core/v1.js" },
    "spec.endpointPicker.resources": { type: "ResourceRequirements", from: "kubernetes-types/core/v1.js" },
  },
  "inferenceservices.inference.ai": {
    "spec.resources": { type: "ResourceRequirements", from: "kubernetes-types/core/v1.js" },
    "spec.tolerations[]": { type: "Toleration", from: "kubernetes-types/core/v1.js" },
  },
};

/** Sub-schemas that get a name of their own (an interface) instead of an inline type. */
const NAMED: Record<string, Record<string, string>> = {
  "modelinfers.workload.matrixinfer.ai": {
    "spec.template": "InferGroupTemplate",
    "spec.template.roles[]": "Role",
    "spec.template.gangSchedule": "GangSchedule",
    "spec.template.gangSchedule.networkTopology": "NetworkTopology",
    "spec.rolloutStrategy": "RolloutStrategy",
    "spec.rolloutStrategy.rollingUpdateConfiguration": "RollingUpdateConfiguration",
  },
  "tokencaches.inference.ai": {
    "spec.tiers[]": "CacheTier",
    "spec.tiers[].redisConfig": "RedisConfig",
    "spec.tiers[].localConfig": "LocalConfig",
    "status.tiers[]": "TierStatus",
  },
  "gpupools.inference.ai": { "spec.sharing": "Sharing", "status.nodeStatus[]": "PoolNodeStatus" },
  "inferencegateways.production-stack.vllm.ai": {
    "spec.routes[]": "GatewayRoute",
    "status.routes[]": "GatewayRouteStatus",
  },
  "staticroutes.production-stack.vllm.ai": {
    "spec.healthCheck": "HealthCheck",
    "spec.routerRef": "RouterRef",
    "status.backends[]": "BackendStatus",
  },
  "inferenceservices.inference.ai": {
    "spec.model": "ModelSpec",
    "spec.backendConfig": "BackendConfig",
    "spec.gpu": "GpuSpec",
    "spec.cache": "CacheSpec",
    "spec.autoscaling": "AutoscalingSpec",
    "spec.autoscaling.metrics[]": "ScalingMetric",
    "spec.autoscaling.optimizer": "OptimizerSizing",
    "spec.autoscaling.optimizer.slo": "ServiceLevelObjectives",
    "status.gpuAllocations[]": "GpuAllocation",
  },
};

type Schema = JSONSchema & {
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
};

interface Crd {
  metadata: { name: string };
  spec: {
    group: string;
    scope: "Namespaced" | "Cluster";
    names: { kind: string; plural: string };
    versions: { name: string; storage?: boolean; schema: { openAPIV3Schema: Schema } }[];
  };
}

/** Kubernetes' own extensions, which json-schema-to-typescript does not know, as types. */
function kubernetesType(
  schema: Schema,
  path: string,
  crd: string,
  imports: Map<string, Set<string>>,
): Schema | undefined {
  const embedded = EMBEDDED[crd]?.[path];
  if (embedded) {
    if (embedded.from) imports.set(embedded.from, (imports.get(embedded.from) ?? new Set<string>()).add(embedded.type));
    return { description: schema.description, tsType: embedded.type };
  }
  if (schema["x-kubernetes-int-or-string"]) return { description: schema.description, tsType: "number | string" };
  return undefined;
}

/** Which keys an object may have beyond its properties: none, unless the CRD keeps unknown fields. */
function extraProperties(schema: Schema, prepared: Schema["additionalProperties"]): Schema["additionalProperties"] {
  if (prepared !== undefined) return prepared;
  if (schema["x-kubernetes-preserve-unknown-fields"] || (schema.type === "object" && !schema.properties))
    return schema.additionalProperties ?? true;
  return false;
}

/** The schema as json-schema-to-typescript should read it: Kubernetes extensions turned into types. */
function prepare(schema: Schema, path: string, crd: string, imports: Map<string, Set<string>>): Schema {
  const special = kubernetesType(schema, path, crd, imports);
  if (special) return special;
  const out: Schema = { ...schema };
  const title = NAMED[crd]?.[path];
  if (title) out.title = title;
  else delete out.title;
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, prepare(v, path ? `${path}.${k}` : k, crd, imports)]),
    );
  }
  if (schema.items) out.items = prepare(schema.items, `${path}[]`, crd, imports);
  const additional =
    typeof schema.additionalProperties === "object"
      ? prepare(schema.additionalProperties, `${path}{}`, crd, imports)
      : undefined;
  out.additionalProperties = extraProperties(schema, additional);
  return out;
}

function loadCrds(): Crd[] {
  return readdirSync(CRDS)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => parse(readFileSync(join(CRDS, f), "utf8")) as Crd);
}

async function compileParts(crd: Crd, root: Schema, imports: Map<string, Set<string>>): Promise<string[]> {
  const { kind } = crd.spec.names;
  const parts: string[] = [];
  for (const part of ["spec", "status"] as const) {
    const schema = root.properties?.[part];
    if (!schema) continue;
    const prepared = prepare(schema, part, crd.metadata.name, imports);
    prepared.title = `${kind}${part === "spec" ? "Spec" : "Status"}`;
    const options = { bannerComment: "", format: false, additionalProperties: false, ignoreMinAndMaxItems: true };
    parts.push(await compile(prepared, prepared.title, options));
  }
  return parts;
}

/** The object type and its KindRef. */
function objectType(crd: Crd, version: string, root: Schema): string {
  const { kind, plural } = crd.spec.names;
  const required = new Set(Array.isArray(root.required) ? root.required : []);
  const status = root.properties?.status ? `\n  status?: ${kind}Status;` : "";
  return [
    `/** ${root.description ?? kind} */`,
    `export interface ${kind} {`,
    `  apiVersion: "${crd.spec.group}/${version}";`,
    `  kind: "${kind}";`,
    `  metadata: ObjectMeta;`,
    `  spec${required.has("spec") ? "" : "?"}: ${kind}Spec;${status}`,
    `}`,
    ``,
    `export const ${kind}Kind = defineKind<${kind}>({`,
    `  group: "${crd.spec.group}",`,
    `  version: "${version}",`,
    `  kind: "${kind}",`,
    `  plural: "${plural}",`,
    `  namespaced: ${String(crd.spec.scope === "Namespaced")},`,
    `});`,
  ].join("\n");
}

/** One CRD's module: the spec and status types, the object type and its KindRef. */
async function generateOne(crd: Crd): Promise<string> {
  const version = crd.spec.versions.find((v) => v.storage) ?? crd.spec.versions[0];
  if (!version) throw new Error(`${crd.metadata.name}: no version`);
  const root = version.schema.openAPIV3Schema;
  const imports = new Map<string, Set<string>>();
  const parts = await compileParts(crd, root, imports);
  const header = [
    `// Generated from crds/ by scripts/generate-api-types.ts (${crd.metadata.name}); do not edit.`,
    `import type { ObjectMeta } from "kubernetes-types/meta/v1.js";`,
    `import { defineKind } from "../../kube/kind.js";`,
    ...[...imports].map(([from, names]) => `import type { ${[...names].sort().join(", ")} } from "${from}";`),
  ].join("\n");
  return format([header, ...parts, objectType(crd, version.name, root)].join("\n\n"), {
    parser: "typescript",
    printWidth: 120,
  });
}

/** Every generated file, by path. */
export async function generateApiTypes(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const crd of loadCrds()) files.set(join(OUT, `${crd.metadata.name}.ts`), await generateOne(crd));
  return files;
}

async function main(): Promise<void> {
  const files = await generateApiTypes();
  if (process.argv.includes("--check")) {
    const stale = [...files].filter(([path, text]) => !existsSync(path) || readFileSync(path, "utf8") !== text);
    if (stale.length > 0) {
      process.stderr.write(`stale generated API types: ${stale.map(([p]) => p).join(", ")}; run npm run generate\n`);
      process.exit(1);
    }
    return;
  }
  // Only what changed is written, so an incremental build after it has nothing to redo.
  mkdirSync(OUT, { recursive: true });
  for (const name of readdirSync(OUT)) if (!files.has(join(OUT, name))) rmSync(join(OUT, name));
  for (const [path, text] of files)
    if (!existsSync(path) || readFileSync(path, "utf8") !== text) writeFileSync(path, text);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
