import { strict as assert } from "node:assert";
import type { GPUPool, GPUPoolStatus } from "../../src/apis/inference-ai.js";
import { gpuPoolReconciler } from "../../src/controllers/gpupool/reconciler.js";
import { DEFAULT_GPU_POOL_SETTINGS } from "../../src/controllers/gpupool/settings.js";
import { parseNvidiaYaml } from "../../src/nvidia/mig-parted.js";
import type { ApiDouble, StoredObject } from "../support/api-double.js";
import { controllerHarness, type Harness } from "../support/controller-harness.js";
import { A100, gpuNode, gpuPool } from "../support/gpupool.js";
import { assertValidKubernetes } from "../support/schema.js";
import { waitFor } from "../support/test-server.js";

const POOLS = "inference.ai/v1alpha1/gpupools";
const CONFIG_MAPS = "v1/configmaps";
const NODES = "v1/nodes";
const MIG = "nvidia.com/mig-3g.40gb";

function stored(obj: object): StoredObject {
  const copy = structuredClone(obj) as StoredObject;
  delete copy.metadata.uid;
  return copy;
}

const migPool = gpuPool("a100", {
  nodeSelector: { rack: "1" },
  gpuProduct: A100,
  sharing: { mode: "mig", profiles: [{ name: "3g.40gb", count: 2 }] },
});
const slicedPool = gpuPool("sliced", { nodeSelector: { rack: "2" }, sharing: { mode: "timeslice" } });

describe("GPUPool controller (against the API double)", function () {
  this.timeout(20_000);
  let api: ApiDouble;
  let harness: Harness<GPUPool, GPUPoolStatus> | undefined;

  /** The controller, with or without node writes, on a fresh API double; objects created before run() are listed. */
  async function setup(nodeWrites: boolean): Promise<Harness<GPUPool, GPUPoolStatus>> {
    harness = await controllerHarness(gpuPoolReconciler({ ...DEFAULT_GPU_POOL_SETTINGS, nodeWrites }));
    api = harness.api;
    return harness;
  }
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  const statusOf = (name: string): GPUPoolStatus | undefined =>
    api.get(POOLS, undefined, name)?.status as GPUPoolStatus | undefined;
  const condition = (name: string, type: string): string | undefined => {
    const c = statusOf(name)?.conditions?.find((x) => x.type === type);
    return c && `${c.status}/${c.reason}`;
  };
  const labels = (node: string): Record<string, string> =>
    (api.get(NODES, undefined, node)?.metadata.labels ?? {}) as Record<string, string>;
  const dataOf = (name: string): Record<string, string> =>
    (api.get(CONFIG_MAPS, "gpu-operator", name)?.data ?? {}) as Record<string, string>;

  it("writes the pool's config into GPU Operator's ConfigMaps and, node writes off, leaves the nodes alone", async () => {
    const h = await setup(false);
    api.create(NODES, stored(gpuNode("n1", { rack: "1" })));
    api.create(POOLS, stored(migPool));
    await h.run();
    await waitFor(() => condition("a100", "Reconfiguring") === "True/LabelsToSet", 5000);
    for (const name of ["inferplane-device-plugin-config", "inferplane-mig-parted-config"])
      assertValidKubernetes(api.get(CONFIG_MAPS, "gpu-operator", name)!);
    assert.deepEqual(parseNvidiaYaml(dataOf("inferplane-device-plugin-config").a100!), {
      version: "v1",
      flags: { migStrategy: "mixed" },
    });
    const layouts = (
      parseNvidiaYaml(dataOf("inferplane-mig-parted-config")["config.yaml"]!) as {
        "mig-configs": Record<string, unknown>;
      }
    )["mig-configs"];
    assert.deepEqual(Object.keys(layouts), ["a100", "all-disabled"]);
    assert.deepEqual(labels("n1"), gpuNode("n1", { rack: "1" }).metadata!.labels);
    assert.ok(!api.requests.some((r) => r.startsWith("PATCH /api/v1/nodes")), "no node write");
  });

  it("labels the pool's nodes when allowed, and its status follows the nodes: MIG applied → Ready", async () => {
    const h = await setup(true);
    api.create(NODES, stored(gpuNode("n1", { rack: "1" })));
    api.create(POOLS, stored(migPool));
    await h.run();
    await waitFor(() => labels("n1")["nvidia.com/mig.config"] === "a100", 5000);
    assert.equal(labels("n1")["nvidia.com/device-plugin.config"], "a100");
    // GPU Operator's MIG manager at work, then the device plugin advertising the layout.
    api.update(NODES, undefined, "n1", (n) => {
      (n.metadata.labels as Record<string, string>)["nvidia.com/mig.config.state"] = "pending";
    });
    await waitFor(() => statusOf("a100")?.nodeStatus?.[0]?.migConfigState === "pending", 5000);
    assert.equal(condition("a100", "Reconfiguring"), "True/Applying");
    api.update(NODES, undefined, "n1", (n) => {
      (n.metadata.labels as Record<string, string>)["nvidia.com/mig.config.state"] = "success";
      n.status = { capacity: { [MIG]: "16" }, allocatable: { [MIG]: "16" } };
    });
    await waitFor(() => condition("a100", "Ready") === "True/NodesReady", 5000);
    assert.deepEqual([statusOf("a100")?.allocatable, condition("a100", "Reconfiguring")], [16, "False/Settled"]);
  });

  it("a node two pools select is a Conflict on both and keeps its labels; the conflict gone, the new pool takes it", async () => {
    const h = await setup(true);
    api.create(NODES, stored(gpuNode("n1", { rack: "1" })));
    api.create(POOLS, stored(migPool));
    await h.run();
    await waitFor(() => labels("n1")["nvidia.com/device-plugin.config"] === "a100", 5000);
    api.create(POOLS, stored(gpuPool("everything", { sharing: { mode: "exclusive" } })));
    await waitFor(
      () =>
        condition("a100", "Conflict") === "True/NodeInSeveralPools" &&
        condition("everything", "Conflict") === "True/NodeInSeveralPools",
      5000,
    );
    await h.controller.idle();
    assert.equal(labels("n1")["nvidia.com/device-plugin.config"], "a100", "never a flapping label");
    api.delete(POOLS, undefined, "a100");
    await waitFor(() => labels("n1")["nvidia.com/device-plugin.config"] === "everything", 5000);
    assert.equal(labels("n1")["nvidia.com/mig.config"], "all-disabled", "our old layout undone");
    await waitFor(() => dataOf("inferplane-device-plugin-config").a100 === undefined, 5000);
    assert.equal(condition("everything", "Conflict"), "False/NoConflict");
  });

  it("releases a deleted pool's nodes, then drops its key: never a label naming a missing key", async () => {
    const h = await setup(true);
    api.create(NODES, stored(gpuNode("n1", { rack: "1" })));
    api.create(NODES, stored(gpuNode("n2", { rack: "2" })));
    api.create(POOLS, stored(migPool));
    api.create(POOLS, stored(slicedPool));
    await h.run();
    await waitFor(
      () =>
        labels("n1")["nvidia.com/device-plugin.config"] === "a100" &&
        labels("n2")["nvidia.com/device-plugin.config"] === "sliced",
      5000,
    );
    api.delete(POOLS, undefined, "a100");
    const dangling: string[] = [];
    await waitFor(() => {
      const keys = dataOf("inferplane-device-plugin-config");
      for (const node of ["n1", "n2"]) {
        const key = labels(node)["nvidia.com/device-plugin.config"];
        if (key !== undefined && keys[key] === undefined) dangling.push(`${node}=${key}`);
      }
      return labels("n1")["nvidia.com/device-plugin.config"] === undefined && keys.a100 === undefined;
    }, 5000);
    assert.deepEqual(dangling, [], "a node's label named a key the ConfigMap lacked");
    assert.deepEqual(Object.keys(dataOf("inferplane-device-plugin-config")), ["sliced"]);
    assert.equal(labels("n1")["nvidia.com/mig.config"], "all-disabled");
  });
});
