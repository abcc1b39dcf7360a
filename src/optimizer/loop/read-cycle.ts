import { OptimizerDataError } from "../json-fields.js";
import type { SystemSpec } from "../spec.js";
import type { OptimizerReader } from "./api.js";
import type { NodeSelectors } from "./capacity.js";
import { collectSystem, type StaticData } from "./collect.js";
import { loadQuery, readLoads, type LoadReadings } from "./prometheus.js";
import { sizableWorkloads } from "./workload-readers.js";
import { describeRef, type SkippedWorkload, type Workload } from "./workload.js";

/** The Prometheus range the loop's rates are taken over. */
export const LOAD_WINDOW = "1m";

/** The ConfigMap key mapping accelerator types to node labels (default nvidia.com/gpu.product=<type>). */
export const NODE_SELECTORS_KEY = "accelerator-node-selectors.json";

export function parseSelectors(text: string | undefined, source: string): NodeSelectors {
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as NodeSelectors;
  } catch (err) {
    throw new OptimizerDataError(`${source}: ${NODE_SELECTORS_KEY}: not valid JSON: ${(err as Error).message}`);
  }
}

/** What a cycle solves and plans with. */
export interface CycleInput {
  system: SystemSpec;
  /** The workloads that became servers of `system`, in order. */
  workloads: Workload[];
  selectors: NodeSelectors;
  readings: LoadReadings;
  /** Objects that opted in but cannot be sized, and why. */
  skipped: SkippedWorkload[];
}

export interface ReadOptions {
  prometheusUrl: string | undefined;
  /** Prometheus range for rates, e.g. "1m". */
  window: string;
}

/**
 * One cycle's read phase, the same for the control loop and its dry run (`inferplane optimize
 * --manifests`): the objects that opted in, the load of their pods (Prometheus, else their labels
 * or annotations), the capacity (the data's, else the nodes'), and the system to solve. Read-only:
 * nothing is written until the whole plan is known. `data` is the ConfigMap's; `source` names it in errors.
 */
export async function readCycle(
  reader: OptimizerReader,
  data: StaticData,
  source: string,
  options: ReadOptions,
): Promise<CycleInput> {
  const listed = sizableWorkloads(await reader.sizable());
  const selectors = parseSelectors(data[NODE_SELECTORS_KEY], source);
  const nodes = data["capacity-data.json"] === undefined ? await reader.nodes() : [];
  const queries = await Promise.all(
    listed.workloads.map(async (w) =>
      loadQuery(
        w,
        "labelSelector" in w.pods && options.prometheusUrl
          ? await reader.podNames(w.ref.namespace, w.pods.labelSelector)
          : undefined,
      ),
    ),
  );
  const readings = await readLoads(options.prometheusUrl, queries, options.window);
  const collected = collectSystem({
    data,
    source,
    nodes,
    selectors,
    workloads: listed.workloads,
    loads: readings.loads,
  });
  const served = new Set(collected.system.servers.map((s) => s.name));
  return {
    system: collected.system,
    workloads: listed.workloads.filter((w) => served.has(w.server)),
    selectors,
    readings,
    skipped: [...listed.skipped, ...collected.skipped],
  };
}

/** `Kind namespace/name: why`. */
export function describeSkipped(s: SkippedWorkload): string {
  return `${describeRef(s.ref)}: ${s.reason}`;
}
