import {
  arrayAt,
  booleanAt,
  field,
  hasField,
  isObject,
  objectAt,
  optionalObject,
  Origin,
  rangedAt,
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
import { MAX_BATCH_TOKENS, RANGES } from "./limits.js";
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
    if (result.has(name))
      throw at.error(`accelerator "${name}" is listed twice (inferno would keep the last silently)`);
    result.set(name, {
      name,
      type: stringAt(entry, "type", at, name),
      multiplicity: rangedAt(entry, "multiplicity", at, RANGES.multiplicity, 1),
      cost: rangedAt(entry, "cost", at, RANGES.acceleratorCost),
    });
  });
  return result;
}

function parseCapacity(doc: DataDocument): Map<string, number> {
  const result = new Map<string, number>();
  arrayAt(root(doc), "count", doc.origin).forEach((entry, i) => {
    const at = doc.origin.at("count").at(i);
    const type = stringAt(entry, "type", at);
    if (result.has(type)) throw at.error(`accelerator type "${type}" is counted twice`);
    result.set(type, rangedAt(entry, "count", at, RANGES.capacityCount));
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
    const maxBatchSize = rangedAt(entry, "maxBatchSize", named, RANGES.maxBatchSize);
    const atTokens = rangedAt(entry, "atTokens", named, RANGES.atTokens);
    if (maxBatchSize * atTokens > MAX_BATCH_TOKENS)
      throw named.error(
        `maxBatchSize × atTokens (the tokens a replica's batch holds) must be at most ${MAX_BATCH_TOKENS}, got ${maxBatchSize * atTokens}`,
      );
    const spec: PerfSpec = {
      model,
      accelerator,
      accCount: rangedAt(entry, "accCount", named, RANGES.accCount, 1),
      maxBatchSize,
      atTokens,
      ...rules.perfParms(entry, named),
    };
    let byAccelerator: Map<string, PerfSpec> | undefined = perf.get(model);
    if (!byAccelerator) perf.set(model, (byAccelerator = new Map<string, PerfSpec>()));
    if (byAccelerator.has(accelerator)) throw named.error(`model "${model}" on "${accelerator}" is listed twice`);
    byAccelerator.set(accelerator, spec);
  });
  return { version, perf };
}

/** A declared priority: any whole number (the version's rule maps it); undefined when absent. */
function declaredPriority(entry: JsonObject, at: Origin): number | undefined {
  if (!hasField(entry, "priority")) return undefined;
  return rangedAt(entry, "priority", at, RANGES.priority);
}

function parseServiceClasses(doc: DataDocument, version: DataVersion): Map<string, ServiceClassSpec> {
  const rules = rulesFor(version);
  const classes = new Map<string, { name: string; priority: number; targets: Map<string, Target> }>();
  arrayAt(root(doc), "serviceClasses", doc.origin).forEach((entry, i) => {
    const at = doc.origin.at("serviceClasses").at(i);
    const name = stringAt(entry, "name", at);
    // Every entry's priority is checked; the class keeps its first entry's, as inferno does.
    const priority = rules.priority(declaredPriority(entry, at));
    let svc = classes.get(name);
    if (!svc) classes.set(name, (svc = { name, priority, targets: new Map() }));
    for (const [model, target] of rules.targets(entry, at)) svc.targets.set(model, target);
  });
  return classes;
}

/** A current allocation; undefined without an accelerator (its numbers are still range-checked). */
function parseAllocation(alloc: JsonObject, at: Origin): AllocationData | undefined {
  const latencyKey = hasField(alloc, "ttftAverage") ? "ttftAverage" : "waitAverage";
  const numbers = {
    numReplicas: rangedAt(alloc, "numReplicas", at, RANGES.allocationCount, 0),
    maxBatch: rangedAt(alloc, "maxBatch", at, RANGES.allocationCount, 0),
    cost: rangedAt(alloc, "cost", at, RANGES.allocationCost, 0),
    itlAverage: rangedAt(alloc, "itlAverage", at, RANGES.allocationTime, 0),
    latencyAverage: rangedAt(alloc, latencyKey, at, RANGES.allocationTime, 0),
  };
  const accelerator = field(alloc, "accelerator");
  if (typeof accelerator !== "string" || accelerator === "") return undefined;
  return { accelerator, ...numbers };
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
    minNumReplicas: rangedAt(entry, "minNumReplicas", named, RANGES.minReplicas, 0),
    maxBatchSize: rangedAt(entry, "maxBatchSize", named, RANGES.batchOverride, 0),
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

/** The key of each document inside inferno's system-data.json. */
export const SYSTEM_SECTIONS: Readonly<Record<DocumentKey, string>> = {
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
