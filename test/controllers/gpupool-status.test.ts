import assert from "node:assert/strict";
import type { GPUPool, GPUPoolStatus, PoolNodeStatus } from "../../src/apis/inference-ai.js";
import { gpuPoolReconciler } from "../../src/controllers/gpupool/reconciler.js";
import { DEFAULT_GPU_POOL_SETTINGS } from "../../src/controllers/gpupool/settings.js";
import type { KubeObject } from "../../src/kube/object.js";
import { A100, boundPod, gpuNode, gpuPool } from "../support/gpupool.js";
import { StaticView } from "../support/static-view.js";

const NOW = new Date("2026-01-01T00:00:00Z");
const MIG = "nvidia.com/mig-3g.40gb";
const LABELS = { "nvidia.com/device-plugin.config": "mig", "nvidia.com/mig.config": "mig" };

const migPool = gpuPool("mig", {
  nodeSelector: { rack: "1" },
  gpuProduct: A100,
  sharing: { mode: "mig", profiles: [{ name: "3g.40gb", count: 2 }] },
});

function statusOf(pool: GPUPool, objects: KubeObject[], nodeWrites = false): GPUPoolStatus {
  const reconciler = gpuPoolReconciler({ ...DEFAULT_GPU_POOL_SETTINGS, nodeWrites });
  return reconciler.status(pool, new StaticView([pool, ...objects]), NOW)!;
}

const conditions = (s: GPUPoolStatus): string[] => (s.conditions ?? []).map((c) => `${c.type}=${c.status}/${c.reason}`);
const node = (s: GPUPoolStatus, name: string): PoolNodeStatus => s.nodeStatus!.find((n) => n.name === name)!;

describe("GPUPool status: from the nodes as they are", () => {
  it("a configured node advertising what the layout says is Ready; requested counts bound pods", () => {
    const n1 = gpuNode("n1", { rack: "1", ...LABELS, "nvidia.com/mig.config.state": "success" }, { [MIG]: 16 });
    const s = statusOf(migPool, [n1, boundPod("p1", "n1", { [MIG]: 1 }), boundPod("p2", "n1", { [MIG]: 2 })]);
    assert.deepEqual(conditions(s), [
      "Ready=True/NodesReady",
      "Reconfiguring=False/Settled",
      "Conflict=False/NoConflict",
      "Degraded=False/AsConfigured",
    ]);
    assert.deepEqual(
      [s.nodes, s.gpus, s.resources, s.allocatable, s.requested, s.replicas],
      [1, 8, [MIG], 16, 3, undefined],
    );
    assert.deepEqual(s.devicePluginConfig, { configMap: "gpu-operator/inferplane-device-plugin-config", key: "mig" });
    assert.deepEqual(s.migConfig, { configMap: "gpu-operator/inferplane-mig-parted-config", layout: "mig" });
    assert.deepEqual(node(s, "n1"), {
      name: "n1",
      state: "Ready",
      message: "allocatable as configured",
      product: A100,
      gpus: 8,
      allocatable: { [MIG]: 16 },
      expected: { [MIG]: 16 },
      requested: { [MIG]: 3 },
      migConfigState: "success",
      labelsToSet: {},
    });
    assert.equal(s.observedGeneration, 1);
  });

  it("node writes off: the labels to set, and the kubectl line that sets them", () => {
    const s = statusOf(migPool, [gpuNode("n1", { rack: "1" }), gpuNode("n2", { rack: "1" })]);
    assert.deepEqual(node(s, "n1").labelsToSet, LABELS);
    const reconfiguring = s.conditions!.find((c) => c.type === "Reconfiguring")!;
    assert.equal(reconfiguring.reason, "LabelsToSet");
    assert.match(
      reconfiguring.message ?? "",
      /run: kubectl label node n1 n2 nvidia\.com\/device-plugin\.config=mig nvidia\.com\/mig\.config=mig --overwrite$/,
    );
    assert.equal(statusOf(migPool, [gpuNode("n1", { rack: "1" })], true).conditions![1]!.reason, "Labelling");
  });

  it("MIG being applied is Reconfiguring; a failed layout and a node advertising too little are Degraded", () => {
    const nodes = [
      gpuNode("pending", { rack: "1", ...LABELS, "nvidia.com/mig.config.state": "rebooting" }),
      gpuNode("failed", { rack: "1", ...LABELS, "nvidia.com/mig.config.state": "failed" }),
      gpuNode("short", { rack: "1", ...LABELS, "nvidia.com/mig.config.state": "success" }, { [MIG]: 14 }),
    ];
    const s = statusOf(migPool, nodes);
    assert.deepEqual(
      s.nodeStatus!.map((n) => `${n.name}=${n.state}`),
      ["failed=Degraded", "short=Degraded", "pending=Reconfiguring"],
      "most urgent first",
    );
    assert.match(
      node(s, "short").message!,
      /allocatable \{"nvidia.com\/mig-3g.40gb":14\} does not match the config's \{"nvidia.com\/mig-3g.40gb":16\}/,
    );
    assert.deepEqual(conditions(s), [
      "Ready=False/NoNodeReady",
      "Reconfiguring=True/Applying",
      "Conflict=False/NoConflict",
      "Degraded=True/NotAsConfigured",
    ]);
  });

  it("a shared pool whose device plugin still shows the old replicas is Reconfiguring, not Degraded", () => {
    const shared = gpuPool("ts", { sharing: { mode: "timeslice" }, oversubscription: { enabled: true, ratio: 4 } });
    const labels = { "nvidia.com/device-plugin.config": "ts" };
    const old = gpuNode("n1", { ...labels, "nvidia.com/gpu.replicas": "1" }, { "nvidia.com/gpu": 8 });
    assert.equal(node(statusOf(shared, [old]), "n1").state, "Reconfiguring");
    const applied = gpuNode("n1", { ...labels, "nvidia.com/gpu.replicas": "4" }, { "nvidia.com/gpu": 32 });
    const s = statusOf(shared, [applied]);
    assert.deepEqual([node(s, "n1").state, s.replicas, s.allocatable], ["Ready", 4, 32]);
  });

  it("a node two pools select is a Conflict on both, its devices counted by neither", () => {
    const other = gpuPool("other", { gpuProduct: A100, sharing: { mode: "exclusive" } });
    const shared = gpuNode("n1", { rack: "1" }, { "nvidia.com/gpu": 8 });
    const mine = statusOf(migPool, [other, shared]);
    const theirs = statusOf(other, [migPool, shared]);
    for (const [s, pool] of [
      [mine, "other"],
      [theirs, "mig"],
    ] as const) {
      assert.equal(node(s, "n1").state, "Conflict");
      assert.match(
        s.conditions!.find((c) => c.type === "Conflict")!.message ?? "",
        new RegExp(`n1 \\(also selected by GPUPool ${pool}\\)`),
      );
      assert.equal(s.allocatable, 0);
    }
  });

  it("no node, no GFD labels, a config that cannot be written: each says so", () => {
    assert.deepEqual(conditions(statusOf(migPool, [gpuNode("elsewhere", { rack: "2" })])).slice(0, 1), [
      "Ready=False/NoNodes",
    ]);
    const unlabelled = { ...gpuNode("n1", { rack: "1", ...LABELS }, { [MIG]: 16 }) };
    delete unlabelled.metadata!.labels!["nvidia.com/gpu.count"];
    unlabelled.status = { capacity: { [MIG]: "16" }, allocatable: { [MIG]: "16" } };
    assert.equal(node(statusOf(migPool, [unlabelled]), "n1").state, "Unknown");
    const l4 = gpuPool("l4", { gpuProduct: "NVIDIA-L4", sharing: { mode: "mig", profiles: [{ name: "1g.10gb" }] } });
    const s = statusOf(l4, [gpuNode("n1", {}, {}, 1, "NVIDIA-L4")]);
    assert.match(s.conditions![0]!.message ?? "", /the config is not written: .*NVIDIA-L4 has no MIG/);
    assert.equal(s.conditions![0]!.reason, "InvalidConfig");
  });

  it("finds a pool's nodes by product in GFD's -MIG- and -SHARED forms", () => {
    const single = gpuPool("single", {
      gpuProduct: A100,
      sharing: { mode: "mig", migStrategy: "single", profiles: [{ name: "3g.40gb", count: 2 }] },
    });
    const labels = {
      "nvidia.com/device-plugin.config": "single",
      "nvidia.com/mig.config": "single",
      "nvidia.com/mig.config.state": "success",
    };
    const n = gpuNode("n1", labels, { "nvidia.com/gpu": 16 }, 16, `${A100}-MIG-3g.40gb`);
    const s = statusOf(single, [n, gpuNode("n2", {}, {}, 8, "NVIDIA-H100-80GB-HBM3")]);
    assert.deepEqual(
      [s.nodes, s.gpus, node(s, "n1").state, node(s, "n1").expected],
      [1, 8, "Ready", { "nvidia.com/gpu": 16 }],
    );
    const shared = gpuPool("sh", { gpuProduct: A100, sharing: { mode: "timeslice" } });
    assert.equal(statusOf(shared, [gpuNode("n3", {}, {}, 8, `${A100}-SHARED`)]).nodes, 1);
  });
});
