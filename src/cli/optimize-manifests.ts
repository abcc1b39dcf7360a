import { checkBatches } from "../optimizer/limits.js";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { withNamespace } from "../cluster-view/file-view.js";
import { assertManifestDir, loadManifestDir } from "../cluster-view/manifests.js";
import { ConfigError, type Flags } from "../config.js";
import { CONFIG_MAP } from "../kube/core-kinds.js";
import { isKind } from "../kube/kind.js";
import type { KubeObject } from "../kube/object.js";
import { OptimizerDataError } from "../optimizer/json-fields.js";
import { DATA_FILES } from "../optimizer/load-dir.js";
import { planChanges } from "../optimizer/loop/actuate.js";
import type { StaticData } from "../optimizer/loop/collect.js";
import { ManifestReader } from "../optimizer/loop/manifest-reader.js";
import { LOAD_WINDOW, NODE_SELECTORS_KEY, readCycle } from "../optimizer/loop/read-cycle.js";
import { solveSystem } from "../optimizer/solve.js";
import type { SolverName } from "../optimizer/solution.js";
import { SERVE_DEFAULTS } from "../config.js";
import type { Io } from "./commands.js";
import { dryRunJson, dryRunText, type DryRun } from "./optimize-format.js";

/** The keys the loop reads from its ConfigMap: inferno's files but its servers, and the node selectors. */
const DATA_KEYS = [...Object.values(DATA_FILES).filter((f) => f !== DATA_FILES.servers), NODE_SELECTORS_KEY];

function dataFromDir(dir: string): { data: StaticData; source: string } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError(`${dir}: no such directory`);
  const present = DATA_KEYS.filter((key) => existsSync(join(dir, key)));
  return { data: Object.fromEntries(present.map((key) => [key, readFileSync(join(dir, key), "utf8")])), source: dir };
}

function dataFromConfigMap(
  objects: readonly KubeObject[],
  name: string,
  dir: string,
): { data: StaticData; source: string } {
  const maps = objects.filter((o) => isKind(o, CONFIG_MAP) && o.metadata?.name === name);
  const [map] = maps;
  if (!map)
    throw new ConfigError(
      `no ConfigMap ${name} in ${dir}: add one with inferno's data files as keys (as the loop reads it), or give inferno's data directory as DIR`,
    );
  if (maps.length > 1)
    throw new ConfigError(
      `${maps.length} ConfigMaps named ${name} in ${dir} (namespaces ${maps.map((m) => m.metadata?.namespace ?? "").join(", ")}): keep one, or give DIR`,
    );
  const where = `${map.metadata?.namespace ?? "default"}/${name}`;
  return { data: (map as { data?: StaticData }).data ?? {}, source: `ConfigMap ${where}` };
}

/** What the dry run is asked: the data directory (else the manifests' ConfigMap) and the solver. */
export interface DryRunOptions {
  dataDir: string | undefined;
  solver: SolverName | undefined;
}

/** Read, solve and plan as one loop cycle would, over the manifests; write nothing. */
async function plan(flags: Flags, options: DryRunOptions): Promise<DryRun> {
  const dir = flags.manifests as string;
  assertManifestDir(dir);
  const objects = (await loadManifestDir(dir)).map(withNamespace);
  const name =
    typeof flags["optimizer-configmap"] === "string" ? flags["optimizer-configmap"] : SERVE_DEFAULTS.optimizerConfigMap;
  const { data, source } = options.dataDir ? dataFromDir(options.dataDir) : dataFromConfigMap(objects, name, dir);
  const prometheusUrl = typeof flags["prometheus-url"] === "string" ? flags["prometheus-url"] : undefined;
  const input = await readCycle(new ManifestReader(objects), data, source, { prometheusUrl, window: LOAD_WINDOW });
  checkBatches(input.system);
  const solution = await solveSystem(input.system, options.solver);
  const why = new Map(input.readings.fallbacks.map((f) => [f.server, f.reason]));
  const changes =
    solution.status === "infeasible"
      ? []
      : planChanges(solution, input.system, input.workloads, input.selectors, input.skipped, why);
  const capacity = data[DATA_FILES.capacity] !== undefined ? DATA_FILES.capacity : "the Nodes in the manifests";
  return { source, capacity, input, solution, changes };
}

/**
 * `inferplane optimize [DIR] --manifests DIR [--prometheus-url URL] [--solver NAME] [--json]`: the
 * dry run of one optimizer loop cycle. Finds what opted in to sizing in the manifests, reads its
 * load (Prometheus, else labels and annotations), solves with inferno's data (DIR, else the
 * loop's ConfigMap among the manifests) and prints per object the allocation and the requests the
 * loop would send. Exit 1 when an object that opted in would not be sized (or MILP finds the
 * instance infeasible), 2 for bad input.
 */
export async function optimizeManifests(flags: Flags, io: Io, options: DryRunOptions): Promise<number> {
  let run: DryRun;
  try {
    run = await plan(flags, options);
  } catch (err) {
    if (err instanceof OptimizerDataError) throw new ConfigError(err.message);
    throw err;
  }
  io.out(flags.json === true ? `${JSON.stringify(dryRunJson(run), null, 2)}\n` : dryRunText(run));
  if (run.solution.status === "infeasible") {
    io.err("the solver found no allocation that serves every object in full: the loop would change nothing\n");
    return 1;
  }
  return run.solution.unallocated.length > 0 || run.input.skipped.length > 0 ? 1 : 0;
}
