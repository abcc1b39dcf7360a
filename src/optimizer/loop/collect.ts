import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { Node } from "kubernetes-types/core/v1.js";
import { OptimizerDataError, Origin } from "../json-fields.js";
import { buildDocuments, parseSystem, type DocumentKey } from "../parse.js";
import { DATA_FILES } from "../load-dir.js";
import type { SystemSpec } from "../spec.js";
import { DEFAULT_SERVICE_CLASS } from "../spec.js";
import * as L from "./labels.js";
import { acceleratorTypes, capacityFromNodes, type NodeSelectors } from "./capacity.js";

/** A managed Deployment, as the server the optimizer sees. */
export interface ManagedServer {
  namespace: string;
  deployment: string;
  server: string;
  model: string;
  serviceClass: string;
  replicas: number;
  accelerator: string | undefined;
  maxBatch: number;
  minReplicas: number;
  labelLoad: { rpm: number; tokens: number };
}

export interface MeasuredLoad {
  rpm: number;
  inTokens: number;
  outTokens: number;
}

function numberOr(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && value !== "" && Number.isFinite(n) && n >= 0 ? n : fallback;
}

function serverFrom(d: Deployment, labels: Record<string, string>, model: string): ManagedServer {
  const deployment = d.metadata?.name ?? "";
  return {
    namespace: d.metadata?.namespace ?? "default",
    deployment,
    server: labels[L.SERVER_NAME] ?? deployment,
    model,
    serviceClass: labels[L.SERVICE_CLASS] ?? DEFAULT_SERVICE_CLASS,
    replicas: d.spec?.replicas ?? 1,
    accelerator: labels[L.ACCELERATOR] || undefined,
    maxBatch: numberOr(labels[L.MAX_BATCH], 0),
    minReplicas: numberOr(labels[L.MIN_REPLICAS], 1),
    labelLoad: { rpm: numberOr(labels[L.LOAD_RPM], 0), tokens: numberOr(labels[L.LOAD_TOKENS], 0) },
  };
}

/** Managed Deployments (label inferno.server.managed=true) with a model; the rest are named in `skipped`. */
export function managedServers(deployments: readonly Deployment[]): { servers: ManagedServer[]; skipped: string[] } {
  const servers: ManagedServer[] = [];
  const skipped: string[] = [];
  const names = new Set<string>();
  for (const d of deployments) {
    const labels = d.metadata?.labels ?? {};
    if (labels[L.MANAGED] !== "true") continue;
    const where = `${d.metadata?.namespace ?? "default"}/${d.metadata?.name ?? ""}`;
    const model = labels[L.MODEL];
    if (!model) {
      skipped.push(`${where}: no ${L.MODEL} label`);
      continue;
    }
    const server = serverFrom(d, labels, model);
    if (names.has(server.server)) {
      skipped.push(`${where}: server name "${server.server}" is taken by another Deployment`);
      continue;
    }
    names.add(server.server);
    servers.push(server);
  }
  return { servers, skipped };
}

/** The static data files the loop reads from its ConfigMap (capacity may come from nodes instead). */
export type StaticData = Partial<Record<string, string>>;

function parseJson(data: StaticData, key: DocumentKey, source: string): unknown {
  const file = DATA_FILES[key];
  const text = data[file];
  if (text === undefined) throw new OptimizerDataError(`${source}: key ${file} missing`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new OptimizerDataError(`${source}: ${file}: not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * The system to solve: accelerators, models, classes and optimizer options from the ConfigMap;
 * capacity from it or from nodes; one server per managed Deployment, at its measured load (or the
 * load its labels carry when Prometheus could not say). Servers whose model or class the data
 * lacks are dropped into `skipped` rather than failing the cycle.
 */
export function collectSystem(input: {
  data: StaticData;
  source: string;
  nodes: readonly Node[];
  selectors: NodeSelectors;
  servers: readonly ManagedServer[];
  loads: ReadonlyMap<string, MeasuredLoad>;
}): { system: SystemSpec; skipped: string[] } {
  const origin = (key: DocumentKey): Origin => new Origin(`${input.source}/${DATA_FILES[key]}`, "");
  const fromNodes = input.data[DATA_FILES.capacity] === undefined;
  const skipped: string[] = [];
  const parsed = parseSystem(
    buildDocuments((key) => {
      if (key === "servers") return { body: { servers: [] }, origin: origin(key) };
      if (key === "capacity" && fromNodes) return { body: { count: [] }, origin: origin(key) };
      return { body: parseJson(input.data, key, input.source), origin: origin(key) };
    }),
  );
  const base = fromNodes
    ? { ...parsed, capacity: capacityFromNodes(input.nodes, acceleratorTypes(parsed), input.selectors) }
    : parsed;
  const servers = input.servers.flatMap((s) => {
    const target = base.serviceClasses.get(s.serviceClass)?.targets.get(s.model);
    if (!base.perf.has(s.model) || !target) {
      skipped.push(
        `${s.namespace}/${s.deployment}: no ${base.perf.has(s.model) ? `target for model ${s.model} in class ${s.serviceClass}` : `performance data for model ${s.model}`}`,
      );
      return [];
    }
    const measured = input.loads.get(s.server);
    const load = measured
      ? {
          arrivalRate: measured.rpm,
          avgInTokens: Math.round(measured.inTokens),
          avgOutTokens: Math.round(measured.outTokens),
        }
      : { arrivalRate: s.labelLoad.rpm, avgInTokens: 0, avgOutTokens: Math.round(s.labelLoad.tokens) };
    return [
      {
        name: s.server,
        serviceClass: s.serviceClass,
        model: s.model,
        keepAccelerator: false,
        minNumReplicas: s.minReplicas,
        maxBatchSize: 0,
        load,
        current: s.accelerator
          ? {
              accelerator: s.accelerator,
              numReplicas: s.replicas,
              maxBatch: s.maxBatch,
              cost: currentCost(base, s),
              itlAverage: 0,
              latencyAverage: 0,
            }
          : undefined,
      },
    ];
  });
  return { system: { ...base, servers }, skipped };
}

function currentCost(system: SystemSpec, s: ManagedServer): number {
  const acc = s.accelerator ? system.accelerators.get(s.accelerator) : undefined;
  const perf = s.accelerator ? system.perf.get(s.model)?.get(s.accelerator) : undefined;
  return acc && perf ? acc.cost * perf.accCount * s.replicas : 0;
}
