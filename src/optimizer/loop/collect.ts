import type { Node } from "kubernetes-types/core/v1.js";
import { OptimizerDataError, Origin } from "../json-fields.js";
import { buildDocuments, parseSystem, type DocumentKey } from "../parse.js";
import { DATA_FILES } from "../load-dir.js";
import type { AcceleratorSpec, ServerSpec, ServiceClassSpec, SystemSpec, Target } from "../spec.js";
import { LABEL_GPU_PRODUCT } from "../../nvidia/resources.js";
import { acceleratorTypes, capacityFromNodes, selectorFor, type NodeSelectors } from "./capacity.js";
import * as L from "./labels.js";
import type { SkippedWorkload, Workload } from "./workload.js";

export interface MeasuredLoad {
  rpm: number;
  inTokens: number;
  outTokens: number;
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

/** The GPU product an accelerator's nodes carry: its node selector's nvidia.com/gpu.product (by default its type). */
export function productOf(acc: AcceleratorSpec, selectors: NodeSelectors): string | undefined {
  return selectorFor(selectors, acc.type)[LABEL_GPU_PRODUCT];
}

/** The accelerators (names) a workload may be sized on, by the data; undefined: any. */
export function allowedAccelerators(
  w: Workload,
  system: Pick<SystemSpec, "accelerators">,
  selectors: NodeSelectors,
): string[] | undefined {
  if (w.choice.from === "any") return undefined;
  if (w.choice.from === "names") return w.choice.names.filter((n) => system.accelerators.has(n));
  const product = w.choice.product;
  return [...system.accelerators.values()].filter((a) => productOf(a, selectors) === product).map((a) => a.name);
}

/** Why a workload's accelerators do not resolve to something it can be sized on, or undefined when they do. */
function choiceProblem(w: Workload, allowed: readonly string[] | undefined): string | undefined {
  if (allowed === undefined || w.choice.from === "any") return undefined;
  if (w.choice.from === "names")
    return allowed.length === 0 ? `no accelerator named ${w.choice.names.join(", ")} in the data` : undefined;
  const product = `GPU product (node selector ${LABEL_GPU_PRODUCT}) ${w.choice.product}`;
  if (allowed.length === 0) return `no accelerator in the data has the ${product}`;
  if (allowed.length === 1) return undefined;
  // One product, several accelerators (A100 and 4xA100): cards per replica differ, so say which.
  const where = w.ref.kind === "ModelInfer" ? L.ACCELERATOR : "spec.autoscaling.optimizer.accelerators";
  return `${allowed.join(", ")} all have the ${product}: name the one it runs on in ${where}`;
}

const SLO_KEYS = ["itl", "ttft", "ttw", "tps"] as const;

/**
 * The service class a workload is sized in: its own, or — when it sets SLOs of its own — a class
 * derived from it (same priority, its targets for the model replaced), named after both so equal
 * SLOs share one. A reason string when the data has neither the class nor a target.
 */
function classFor(w: Workload, classes: ReadonlyMap<string, ServiceClassSpec>): ServiceClassSpec | string {
  const cls = classes.get(w.serviceClass);
  if (!cls) return `no service class ${w.serviceClass}`;
  const own = SLO_KEYS.filter((k) => (w.slo[k] ?? 0) > 0);
  const base = cls.targets.get(w.model);
  if (own.length === 0) return base ? cls : `no target for model ${w.model} in class ${w.serviceClass}`;
  const target: Target = { ...(base ?? { itl: 0, ttw: 0, ttft: 0, tps: 0 }) };
  for (const k of own) target[k] = w.slo[k] ?? 0;
  const name = `${cls.name} (${own.map((k) => `${k} ${target[k]}`).join(", ")})`;
  return { name, priority: cls.priority, targets: new Map([[w.model, target]]) };
}

function loadOf(w: Workload, measured: MeasuredLoad | undefined): ServerSpec["load"] {
  return measured
    ? {
        arrivalRate: measured.rpm,
        avgInTokens: Math.round(measured.inTokens),
        avgOutTokens: Math.round(measured.outTokens),
      }
    : { arrivalRate: w.labelLoad.rpm, avgInTokens: 0, avgOutTokens: Math.round(w.labelLoad.tokens) };
}

interface Context {
  base: SystemSpec;
  selectors: NodeSelectors;
  classes: Map<string, ServiceClassSpec>;
  loads: ReadonlyMap<string, MeasuredLoad>;
}

/** The accelerator a workload runs on now: its label's, else the allowed one whose GPU product it has. */
function currentAccelerator(w: Workload, allowed: string[] | undefined, ctx: Context): string | undefined {
  if (w.accelerator) return w.accelerator;
  const product = w.product;
  if (!product) return undefined;
  return allowed?.find((name) => {
    const acc = ctx.base.accelerators.get(name);
    return acc !== undefined && productOf(acc, ctx.selectors) === product;
  });
}

function serverOf(w: Workload, ctx: Context): ServerSpec | string {
  if (!ctx.base.perf.has(w.model)) return `no performance data for model ${w.model}`;
  const cls = classFor(w, ctx.classes);
  if (typeof cls === "string") return cls;
  // A derived class another workload made already (same class and SLOs, another model) gains this model's target.
  const known = ctx.classes.get(cls.name);
  ctx.classes.set(
    cls.name,
    known && known !== cls ? { ...known, targets: new Map([...known.targets, ...cls.targets]) } : cls,
  );
  const allowed = allowedAccelerators(w, ctx.base, ctx.selectors);
  const problem = choiceProblem(w, allowed);
  if (problem) return problem;
  const server: ServerSpec = {
    name: w.server,
    serviceClass: cls.name,
    model: w.model,
    keepAccelerator: false,
    minNumReplicas: w.minReplicas,
    maxBatchSize: w.batchOverride,
    load: loadOf(w, ctx.loads.get(w.server)),
  };
  if (allowed) server.accelerators = allowed;
  const current = currentAccelerator(w, allowed, ctx);
  if (current) server.current = currentAllocation(ctx.base, w, current);
  return server;
}

function currentAllocation(system: SystemSpec, w: Workload, accelerator: string): NonNullable<ServerSpec["current"]> {
  const acc = system.accelerators.get(accelerator);
  const perf = system.perf.get(w.model)?.get(accelerator);
  return {
    accelerator,
    numReplicas: w.replicas,
    maxBatch: w.maxBatch,
    cost: acc && perf ? acc.cost * perf.accCount * w.replicas : 0,
    itlAverage: 0,
    latencyAverage: 0,
  };
}

/**
 * The system to solve: accelerators, models, classes and optimizer options from the ConfigMap;
 * capacity from it or from nodes; one server per workload, at its measured load (or the load its
 * labels or annotations carry when Prometheus could not say), on the accelerators it may use, in
 * its class (or one derived from it for its own SLOs). Workloads the data cannot size — no model,
 * class, target or matching accelerator — are dropped into `skipped` rather than failing the cycle.
 */
export function collectSystem(input: {
  data: StaticData;
  source: string;
  nodes: readonly Node[];
  selectors: NodeSelectors;
  workloads: readonly Workload[];
  loads: ReadonlyMap<string, MeasuredLoad>;
}): { system: SystemSpec; skipped: SkippedWorkload[] } {
  const origin = (key: DocumentKey): Origin => new Origin(`${input.source}/${DATA_FILES[key]}`, "");
  const fromNodes = input.data[DATA_FILES.capacity] === undefined;
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
  const ctx: Context = {
    base,
    selectors: input.selectors,
    classes: new Map(base.serviceClasses),
    loads: input.loads,
  };
  const skipped: SkippedWorkload[] = [];
  const servers = input.workloads.flatMap((w) => {
    const server = serverOf(w, ctx);
    if (typeof server !== "string") return [server];
    skipped.push({ ref: w.ref, reason: server, ...(w.conditions ? { conditions: w.conditions } : {}) });
    return [];
  });
  return { system: { ...base, serviceClasses: ctx.classes, servers }, skipped };
}
