import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../../src/logging.js";
import { ApiOptimizerCluster } from "../../src/optimizer/loop/api.js";
import { OptimizerLoop, type OptimizerLoopOptions } from "../../src/optimizer/loop/loop.js";
import type { ApiDouble, StoredObject } from "./api-double.js";
import { INFERNO } from "./inferno.js";
import { kubeTools, run } from "./tools.js";

/** The release namespace the loop reads its ConfigMap from in these tests. */
export const LOOP_NS = "inferplane-system";

/**
 * The optimizer's ConfigMap as the README makes it — real kubectl, from inferno's v1/small files —
 * in limited mode (greedy, no saturation policy), A100 nodes selected by their GFD product label.
 */
export async function optimizerConfigMap(): Promise<StoredObject> {
  const dir = await mkdtemp(join(tmpdir(), "optimizer-data-"));
  try {
    await writeFile(
      join(dir, "optimizer-data.json"),
      JSON.stringify({ optimizer: { unlimited: false, saturationPolicy: "None" } }),
    );
    await writeFile(
      join(dir, "accelerator-node-selectors.json"),
      JSON.stringify({ A100: { "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB" } }),
    );
    const files = [
      ...["accelerator-data.json", "model-data.json", "serviceclass-data.json"].map((f) =>
        join(INFERNO, "v1/small", f),
      ),
      join(dir, "optimizer-data.json"),
      join(dir, "accelerator-node-selectors.json"),
    ];
    return JSON.parse(
      run(kubeTools().kubectl, [
        "create",
        "configmap",
        "inferplane-optimizer",
        "-n",
        LOOP_NS,
        ...files.map((f) => `--from-file=${f}`),
        "--dry-run=client",
        "-o",
        "json",
      ]),
    ) as StoredObject;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The same ConfigMap built in-process (no kubectl), for unit tests: kubectl's --from-file keys
 * are the file names and the values their text, which is all this is.
 */
export function optimizerConfigMapFromFixtures(): StoredObject {
  const read = (f: string): string => readFileSync(join(INFERNO, "v1/small", f), "utf8");
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "inferplane-optimizer", namespace: LOOP_NS },
    data: {
      "accelerator-data.json": read("accelerator-data.json"),
      "model-data.json": read("model-data.json"),
      "serviceclass-data.json": read("serviceclass-data.json"),
      "optimizer-data.json": JSON.stringify({ optimizer: { unlimited: false, saturationPolicy: "None" } }),
      "accelerator-node-selectors.json": JSON.stringify({
        A100: { "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB" },
      }),
    },
  };
}

export function gpuNode(name: string, product: string, gpus: number): StoredObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "nvidia.com/gpu.product": product } },
    status: { allocatable: { "nvidia.com/gpu": String(gpus), cpu: "64" } },
  };
}

/** 32 G2 cards on four nodes and 8 A100 on one: the capacity the tests' loops see. */
export const LOOP_NODES: readonly StoredObject[] = [
  ...[0, 1, 2, 3].map((i) => gpuNode(`g2-${i}`, "G2", 8)),
  gpuNode("a100-0", "NVIDIA-A100-SXM4-80GB", 8),
];

export function pod(namespace: string, name: string, labels: Record<string, string>): StoredObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: "engine", image: "vllm/vllm-openai:v0.11.0" }] },
  };
}

/**
 * The loop against the API double, as serve makes it (ConfigMap inferplane-optimizer in LOOP_NS),
 * through the real client under bearer token `token` (so `api.requestsBy` tells its requests
 * apart); cycles run only when invoked.
 */
export function testLoop(
  api: ApiDouble,
  options: { prometheusUrl?: string; window?: string; token?: string; solve?: OptimizerLoopOptions["solve"] } = {},
): OptimizerLoop {
  return new OptimizerLoop({
    cluster: new ApiOptimizerCluster(api.kubeConfig(options.token ?? "t")),
    namespace: LOOP_NS,
    configMap: "inferplane-optimizer",
    statusConfigMap: "inferplane-optimizer-status",
    prometheusUrl: options.prometheusUrl,
    window: options.window ?? "1m",
    intervalMs: 3_600_000,
    log: silentLogger,
    ...(options.solve ? { solve: options.solve } : {}),
  });
}
