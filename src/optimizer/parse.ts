import {
  arrayAt,
  atMost,
  booleanAt,
  field,
  hasField,
  integerAt,
  isObject,
  nonNegativeAt,
  numberAt,
  objectAt,
  optionalObject,
  Origin,
  stringAt,
  type JsonObject,
} from "./json-fields.js";
import {
  DEFAULT_SERVICE_CLASS,
  SATURATION_POLICIES,
  type AcceleratorSpec,
  type AllocationData,
  type DataVersion,
  type OptimizerSpec,
  type PerfSpec,
  type SaturationPolicy,
  type ServerSpec,
  type ServiceClassSpec,
  type SystemSpec,
  type Target,
} from "./spec.js";
import { MAX_BATCH_SIZE, MAX_COUNT, MAX_TOKENS } from "./limits.js";
import { detectVersion, rulesFor } from "./versions/index.js";

/** One data document: its JSON body and where it came from (a file, or a path in system-data). */
export interface DataDocument {
  body: unknown;
  origin: Origin;
}

export interface DataDocuments {
  accelerators: DataDocument;
  capacity: DataDocument;
  models: DataDocument;
  serviceClasses: DataDocument;
  servers: DataDocument;
  optimizer: DataDocument;
}

export type DocumentKey = keyof DataDocuments;

export function buildDocuments(make: (key: DocumentKey) => DataDocument): DataDocuments {
  return {
    accelerators: make("accelerators"),
    capacity: make("capacity"),
    models: make("models"),
    serviceClasses: make("serviceClasses"),
    servers: make("servers"),
    optimizer: make("optimizer"),
  };
}

function root(doc: DataDocument): JsonObject {
  if (!isObject(doc.body)) throw doc.origin.error("must be a JSON object");
  return doc.body;
}

function parseAccelerators(doc: DataDocument): Map<string, AcceleratorSpec> {
  const result = new Map<string, AcceleratorSpec>();
  arrayAt(root(doc), "accelerators", doc.origin).forEach((entry, i) => {
    const at = doc.origin.at("accelerators").at(i);
    const name = stringAt(entry, "name", at);
    result.set(name, {
      name,
      type: stringAt(entry, "type", at, name),
      multiplicity: Math.max(
        atMost(integerAt(entry, "multiplicity", at, 1), MAX_COUNT, "multiplicity", at, "cards"),
        1,
      ),
      cost: nonNegativeAt(entry, "cost", at),
    });
  });
  return result;
}

function parseCapacity(doc: DataDocument): Map<string, number> {
  const result = new Map<string, number>();
  arrayAt(root(doc), "count", doc.origin).forEach((entry, i) => {
    const at = doc.origin.at("count").at(i);
    result.set(stringAt(entry, "type", at), atMost(integerAt(entry, "count", at), MAX_COUNT, "count", at, "cards"));
  });
  return result;
}

function parseModels(
  doc: DataDocument,
  accelerators: ReadonlyMap<string, AcceleratorSpec>,
): { version: DataVersion; perf: Map<string, Map<string, PerfSpec>> } {
  const entries = arrayAt(root(doc), "models", doc.origin);
  const version = detectVersion(entries, doc.origin);
  const rules = rulesFor(version);
  const perf = new Map<string, Map<string, PerfSpec>>();
  entries.forEach((entry, i) => {
    const at = doc.origin.at("models").at(i);
    const model = stringAt(entry, "name", at);
    const accelerator = stringAt(entry, "acc", at);
    const named = at.at(`(${model} on ${accelerator})`);
    if (!accelerators.has(accelerator))
      throw named.error(`accelerator "${accelerator}" is not in the accelerator data`);
    const maxBatchSize = atMost(
      integerAt(entry, "maxBatchSize", named),
      MAX_BATCH_SIZE,
      "maxBatchSize",
      named,
      "requests",
    );
    if (maxBatchSize < 1) throw named.at("maxBatchSize").error("must be at least 1");
    const spec: PerfSpec = {
      model,
      accelerator,
      accCount: Math.max(
        atMost(integerAt(entry, "accCount", named, 1), MAX_COUNT, "accCount", named, "accelerators"),
        1,
      ),
      maxBatchSize,
      atTokens: atMost(integerAt(entry, "atTokens", named), MAX_TOKENS, "atTokens", named, "tokens"),
      ...rules.perfParms(entry, named),
    };
    let byAccelerator: Map<string, PerfSpec> | undefined = perf.get(model);
    if (!byAccelerator) perf.set(model, (byAccelerator = new Map<string, PerfSpec>()));
    byAccelerator.set(accelerator, spec);
  });
  return { version, perf };
}

/** A declared priority: any whole number (the version's rule maps it); undefined when absent. */
function declaredPriority(entry: JsonObject, at: Origin): number | undefined {
  if (!hasField(entry, "priority")) return undefined;
  const value = numberAt(entry, "priority", at);
  if (!Number.isInteger(value)) throw at.at("priority").error(`must be a whole number, got ${value}`);
  return value;
}

function parseServiceClasses(doc: DataDocument, version: DataVersion): Map<string, ServiceClassSpec> {
  const rules = rulesFor(version);
  const classes = new Map<string, { name: string; priority: number; targets: Map<string, Target> }>();
  arrayAt(root(doc), "serviceClasses", doc.origin).forEach((entry, i) => {
    const at = doc.origin.at("serviceClasses").at(i);
    const name = stringAt(entry, "name", at);
    let svc = classes.get(name);
    if (!svc)
      classes.set(name, (svc = { name, priority: rules.priority(declaredPriority(entry, at)), targets: new Map() }));
    for (const [model, target] of rules.targets(entry, at)) svc.targets.set(model, target);
  });
  return classes;
}

function parseAllocation(alloc: JsonObject, at: Origin): AllocationData | undefined {
  const accelerator = field(alloc, "accelerator");
  if (typeof accelerator !== "string" || accelerator === "") return undefined;
  return {
    accelerator,
    numReplicas: integerAt(alloc, "numReplicas", at, 0),
    maxBatch: integerAt(alloc, "maxBatch", at, 0),
    cost: nonNegativeAt(alloc, "cost", at, 0),
    itlAverage: nonNegativeAt(alloc, "itlAverage", at, 0),
    latencyAverage: nonNegativeAt(alloc, hasField(alloc, "ttftAverage") ? "ttftAverage" : "waitAverage", at, 0),
  };
}

interface Catalog {
  version: DataVersion;
  perf: ReadonlyMap<string, ReadonlyMap<string, PerfSpec>>;
  serviceClasses: ReadonlyMap<string, ServiceClassSpec>;
}

function parseServer(entry: JsonObject, at: Origin, catalog: Catalog): ServerSpec {
  const name = stringAt(entry, "name", at);
  const named = at.at(`(${name})`);
  const model = stringAt(entry, "model", named);
  const serviceClass = stringAt(entry, "class", named, DEFAULT_SERVICE_CLASS);
  if (!catalog.perf.has(model))
    throw named.at("model").error(`model "${model}" has no performance data in the model data`);
  const svc = catalog.serviceClasses.get(serviceClass);
  if (!svc) throw named.at("class").error(`service class "${serviceClass}" is not in the service class data`);
  if (!svc.targets.has(model))
    throw named.at("model").error(`service class "${serviceClass}" sets no target for model "${model}"`);
  const current = optionalObject(entry, "currentAlloc", named) ?? {};
  const currentAt = named.at("currentAlloc");
  return {
    name,
    serviceClass,
    model,
    keepAccelerator: booleanAt(entry, "keepAccelerator", named),
    minNumReplicas: atMost(
      integerAt(entry, "minNumReplicas", named, 0),
      MAX_COUNT,
      "minNumReplicas",
      named,
      "replicas",
    ),
    maxBatchSize: atMost(integerAt(entry, "maxBatchSize", named, 0), MAX_BATCH_SIZE, "maxBatchSize", named, "requests"),
    load: rulesFor(catalog.version).load(optionalObject(current, "load", currentAt) ?? {}, currentAt.at("load")),
    current: parseAllocation(current, currentAt),
  };
}

function parseServers(doc: DataDocument, catalog: Catalog): ServerSpec[] {
  const seen = new Set<string>();
  return arrayAt(root(doc), "servers", doc.origin).map((entry, i) => {
    const at = doc.origin.at("servers").at(i);
    const server = parseServer(entry, at, catalog);
    if (seen.has(server.name)) throw at.error(`server "${server.name}" is listed twice`);
    seen.add(server.name);
    return server;
  });
}

function parseOptimizer(doc: DataDocument): OptimizerSpec {
  const spec = objectAt(root(doc), "optimizer", doc.origin);
  const at = doc.origin.at("optimizer");
  const policy = field(spec, "saturationPolicy") ?? "None";
  if (typeof policy !== "string" || !(SATURATION_POLICIES as readonly string[]).includes(policy)) {
    throw at
      .at("saturationPolicy")
      .error(`must be one of ${SATURATION_POLICIES.join(", ")}, got ${JSON.stringify(policy)}`);
  }
  return {
    unlimited: booleanAt(spec, "unlimited", at),
    heterogeneous: booleanAt(spec, "heterogeneous", at),
    milpSolver: booleanAt(spec, "milpSolver", at),
    delayedBestEffort: booleanAt(spec, "delayedBestEffort", at),
    saturationPolicy: policy as SaturationPolicy,
  };
}

/** Builds the system from its six documents; throws OptimizerDataError naming the file and entry. */
export function parseSystem(docs: DataDocuments): SystemSpec {
  const accelerators = parseAccelerators(docs.accelerators);
  const { version, perf } = parseModels(docs.models, accelerators);
  const serviceClasses = parseServiceClasses(docs.serviceClasses, version);
  return {
    version,
    accelerators,
    perf,
    serviceClasses,
    servers: parseServers(docs.servers, { version, perf, serviceClasses }),
    capacity: parseCapacity(docs.capacity),
    optimizer: parseOptimizer(docs.optimizer),
  };
}

const SYSTEM_SECTIONS: Record<DocumentKey, string> = {
  accelerators: "acceleratorData",
  capacity: "capacityData",
  models: "modelData",
  serviceClasses: "serviceClassData",
  servers: "serverData",
  optimizer: "optimizerData",
};

/** Splits inferno's system-data body (`{"system": {...}}`) into its documents. */
export function systemDocuments(body: unknown, file: string): DataDocuments {
  const origin = new Origin(file, "");
  if (!isObject(body)) throw origin.error("must be a JSON object");
  const system = objectAt(body, "system", origin);
  return buildDocuments((key) => {
    const section = SYSTEM_SECTIONS[key];
    const at = origin.at("system").at(section);
    const value = field(system, section);
    if (value === undefined && key === "capacity") return { body: { count: [] }, origin: at };
    if (!isObject(value)) throw at.error(value === undefined ? "missing" : "must be an object");
    return { body: value, origin: at };
  });
}
