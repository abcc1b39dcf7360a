import assert from "node:assert/strict";
import fc from "fast-check";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { InferenceService } from "../../src/apis/inference-ai.js";
import type { ModelInfer } from "../../src/apis/matrixinfer.js";
import type { KubeObject } from "../../src/kube/object.js";
import { planChanges } from "../../src/optimizer/loop/actuate.js";
import { ManifestReader, selects } from "../../src/optimizer/loop/manifest-reader.js";
import { collectSystem, type StaticData } from "../../src/optimizer/loop/collect.js";
import { parseSelectors, NODE_SELECTORS_KEY } from "../../src/optimizer/loop/read-cycle.js";
import { sizableWorkloads } from "../../src/optimizer/loop/workload-readers.js";
import type { WorkloadChange } from "../../src/optimizer/loop/change.js";
import type { SizableObjects, SkippedWorkload } from "../../src/optimizer/loop/workload.js";
import { solveSystem } from "../../src/optimizer/solve.js";
import type { ServerAllocation, Solution } from "../../src/optimizer/solution.js";
import type { SystemSpec } from "../../src/optimizer/spec.js";
import { optimizerConfigMapFromFixtures } from "../support/optimizer-loop.js";
import { role } from "../support/objects.js";

const DATA = optimizerConfigMapFromFixtures().data as StaticData;
const CAPACITY = JSON.stringify({
  count: [
    { type: "A100", count: 64 },
    { type: "G2", count: 64 },
    { type: "L4", count: 64 },
  ],
});

function service(name: string, spec: Partial<InferenceService["spec"]>, annotations = {}): InferenceService {
  return {
    apiVersion: "inference.ai/v1alpha1",
    kind: "InferenceService",
    metadata: {
      name,
      namespace: "serving",
      annotations: { "inferno.server.load.rpm": "120", "inferno.server.load.numtokens": "512", ...annotations },
    },
    spec: {
      model: { name: "granite_13b" },
      gpu: { type: "G2" },
      autoscaling: { strategy: "optimizer", optimizer: { serviceClass: "Bronze" } },
      ...spec,
    },
  };
}

function modelInfer(name: string, labels: Record<string, string>, selector?: Record<string, string>): ModelInfer {
  const serve = role("serve", 1, 0);
  if (selector) serve.entryTemplate = { spec: { ...serve.entryTemplate.spec!, nodeSelector: selector } };
  return {
    apiVersion: "workload.matrixinfer.ai/v1alpha1",
    kind: "ModelInfer",
    metadata: {
      name,
      namespace: "serving",
      labels: {
        "inferno.server.managed": "true",
        "inferno.server.model": "llama_13b",
        "inferno.server.load.rpm": "60",
        "inferno.server.load.numtokens": "1024",
        ...labels,
      },
    },
    spec: { replicas: 1, template: { roles: [serve] } },
  };
}

const objects = (o: Partial<SizableObjects>): SizableObjects => ({
  deployments: [],
  modelInfers: [],
  inferenceServices: [],
  ...o,
});

/** One cycle without a cluster: read, collect, solve, plan. */
async function cycle(
  o: Partial<SizableObjects>,
  data: StaticData = { ...DATA, "capacity-data.json": CAPACITY },
): Promise<{ system: SystemSpec; skipped: SkippedWorkload[]; solution: Solution; changes: WorkloadChange[] }> {
  const listed = sizableWorkloads(objects(o));
  const selectors = parseSelectors(data[NODE_SELECTORS_KEY], "test");
  const collected = collectSystem({
    data,
    source: "test",
    nodes: [],
    selectors,
    workloads: listed.workloads,
    loads: new Map(),
  });
  const solution = await solveSystem(collected.system);
  const served = listed.workloads.filter((w) => collected.system.servers.some((s) => s.name === w.server));
  const skipped = [...listed.skipped, ...collected.skipped];
  return {
    ...collected,
    skipped,
    solution,
    changes: planChanges(solution, collected.system, served, selectors, skipped),
  };
}

describe("optimizer loop: reading, collecting and planning (pure)", () => {
  it("reads a ModelInfer's accelerator from its label, else from the GPU product its entry template selects", () => {
    const { workloads, skipped } = sizableWorkloads(
      objects({
        modelInfers: [
          modelInfer("labelled", { "inferno.server.allocation.accelerator": "G2" }),
          modelInfer("selected", {}, { "nvidia.com/gpu.product": "G2" }),
          modelInfer("unknown", {}),
        ],
      }),
    );
    assert.deepEqual(
      workloads.map((w) => [w.server, w.choice]),
      [
        ["serving/labelled", { from: "names", names: ["G2"] }],
        ["serving/selected", { from: "product", product: "G2" }],
      ],
    );
    assert.deepEqual(workloads[0]!.pods, {
      labelSelector: "modelinfer.matrixinfer.ai/name=labelled,modelinfer.matrixinfer.ai/entry=true",
    });
    assert.match(skipped[0]!.reason, /cannot tell which accelerator/);
  });

  it("reads an InferenceService's class, model, SLOs and bounds from spec.autoscaling.optimizer, with the CRD's defaults", () => {
    const [plain, tuned, trt] = sizableWorkloads(
      objects({
        inferenceServices: [
          service("plain", { autoscaling: { strategy: "optimizer" } }),
          service("tuned", {
            backend: "sglang",
            backendConfig: { maxBatchSize: 16 },
            autoscaling: {
              strategy: "optimizer",
              minReplicas: 2,
              maxReplicas: 5,
              optimizer: { serviceClass: "Premium", model: "m", accelerators: ["A100"], slo: { itl: 50, tps: 0 } },
            },
          }),
          service("trt", { backend: "tensorrt-llm" }),
        ],
      }),
    ).workloads;
    assert.deepEqual(
      [plain!.serviceClass, plain!.model, plain!.minReplicas, plain!.maxReplicas, plain!.choice],
      ["Free", "granite_13b", 1, undefined, { from: "product", product: "G2" }],
    );
    assert.deepEqual(
      [tuned!.serviceClass, tuned!.model, tuned!.slo, tuned!.batchOverride, tuned!.minReplicas, tuned!.maxReplicas],
      ["Premium", "m", { itl: 50 }, 16, 2, 5],
    );
    assert.equal(tuned!.series?.requests, "sglang:num_requests_total");
    assert.equal(trt!.series, undefined, "TensorRT-LLM exports no Prometheus load series");
    assert.deepEqual(plain!.pods, { labelSelector: "inference.ai/inferenceservice=plain" });
  });

  it("a server name taken twice: the second object is skipped and says by what", () => {
    const deployment = (name: string): Deployment => ({
      metadata: {
        name,
        namespace: name,
        labels: {
          "inferno.server.managed": "true",
          "inferno.server.model": "llama_13b",
          "inferno.server.name": "same",
        },
      },
    });
    const { workloads, skipped } = sizableWorkloads(objects({ deployments: [deployment("a"), deployment("b")] }));
    assert.deepEqual(
      workloads.map((w) => w.ref.name),
      ["a"],
    );
    assert.match(skipped[0]!.reason, /server name "same" is taken/);
  });

  it("own SLOs make a derived class: the class's priority, its targets replaced, one class for equal SLOs", async () => {
    const { system, changes } = await cycle({
      inferenceServices: [
        service("a", {
          autoscaling: { strategy: "optimizer", optimizer: { serviceClass: "Bronze", slo: { itl: 40 } } },
        }),
        service("b", {
          autoscaling: { strategy: "optimizer", optimizer: { serviceClass: "Bronze", slo: { itl: 40 } } },
        }),
        service("c", { autoscaling: { strategy: "optimizer", optimizer: { serviceClass: "Bronze" } } }),
      ],
    });
    const derived = system.serviceClasses.get("Bronze (itl 40)")!;
    const bronze = system.serviceClasses.get("Bronze")!;
    assert.equal(derived.priority, bronze.priority);
    assert.deepEqual(derived.targets.get("granite_13b"), { ...bronze.targets.get("granite_13b")!, itl: 40 });
    assert.deepEqual(
      system.servers.map((s) => s.serviceClass),
      ["Bronze (itl 40)", "Bronze (itl 40)", "Bronze"],
    );
    assert.equal(changes.length, 3);
  });

  it("one GPU product, several accelerators (A100, 4xA100): not sizable until the object names one", async () => {
    const { skipped, changes } = await cycle({
      inferenceServices: [service("a100", { gpu: { type: "NVIDIA-A100-SXM4-80GB" } })],
      modelInfers: [modelInfer("mi", {}, { "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB" })],
    });
    assert.deepEqual(
      skipped.map((s) => s.reason),
      [
        "A100, 4xA100 all have the GPU product (node selector nvidia.com/gpu.product) NVIDIA-A100-SXM4-80GB: name the one it runs on in inferno.server.allocation.accelerator",
        "A100, 4xA100 all have the GPU product (node selector nvidia.com/gpu.product) NVIDIA-A100-SXM4-80GB: name the one it runs on in spec.autoscaling.optimizer.accelerators",
      ],
    );
    assert.deepEqual(
      changes.map((c) => [c.ref.name, c.sized?.reason, c.event?.type, c.patch]),
      [
        ["mi", "NotSizable", "Warning", undefined],
        ["a100", "NotSizable", "Warning", undefined],
      ],
    );
  });

  it("a ModelInfer is scaled through its scale subresource; a service patches spec.replicas, and spec.gpu.type only when it offers a choice", async () => {
    const { changes, solution } = await cycle({
      modelInfers: [modelInfer("mi", { "inferno.server.allocation.accelerator": "G2" })],
      inferenceServices: [
        service("fixed", {}),
        service("choice", {
          gpu: { type: "L4", count: 2 },
          autoscaling: { strategy: "optimizer", optimizer: { serviceClass: "Bronze", accelerators: ["L4", "G2"] } },
        }),
      ],
    });
    const byName = new Map(changes.map((c) => [c.ref.name, c]));
    const alloc = (server: string): ServerAllocation => solution.allocations.find((a) => a.server.name === server)!;
    assert.deepEqual(byName.get("mi")!.patch, {
      subresource: "scale",
      body: { spec: { replicas: alloc("serving/mi").replicas } },
    });
    assert.deepEqual(byName.get("fixed")!.patch, { body: { spec: { replicas: alloc("serving/fixed").replicas } } });
    const choice = alloc("serving/choice");
    assert.equal(choice.accelerator, "G2", "G2 is cheaper than two L4 here");
    assert.deepEqual(byName.get("choice")!.patch, {
      body: { spec: { replicas: choice.replicas, gpu: { type: "G2" } } },
    });
    assert.equal(byName.get("choice")!.event?.message.startsWith("L4×1 → G2×"), true);
  });

  it("property: a service's replicas stay within maxReplicas; above it Sized says MaxReplicas", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4000 }), fc.integer({ min: 1, max: 6 }), async (rpm, max) => {
        const svc = service(
          "s",
          { autoscaling: { strategy: "optimizer", maxReplicas: max, optimizer: { serviceClass: "Bronze" } } },
          { "inferno.server.load.rpm": String(rpm) },
        );
        const { changes, solution } = await cycle({ inferenceServices: [svc] });
        const [change] = changes;
        const wanted = solution.allocations[0]?.replicas;
        if (wanted === undefined) {
          assert.equal(change!.sized?.reason, "NotAllocated");
          return;
        }
        const body = change!.patch!.body as { spec: { replicas: number } };
        assert.equal(body.spec.replicas, Math.min(wanted, max));
        assert.equal(change!.sized!.reason, wanted > max ? "MaxReplicas" : "Optimized");
      }),
      { numRuns: 25 },
    );
  });

  it("the dry run's reader selects as the API does: opted-in objects, and pods by equality selector", async () => {
    const podOf = (name: string, labels: Record<string, string>, namespace = "serving"): KubeObject => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace, labels },
    });
    const reader = new ManifestReader([
      modelInfer("mi", {}),
      { ...(modelInfer("off", {}) as KubeObject), metadata: { name: "off", namespace: "serving", labels: {} } },
      service("s", {}),
      service("hpa", { autoscaling: { strategy: "hpa" } }),
      podOf("entry", { "modelinfer.matrixinfer.ai/name": "mi", "modelinfer.matrixinfer.ai/entry": "true" }),
      podOf("worker", { "modelinfer.matrixinfer.ai/name": "mi" }),
      podOf(
        "elsewhere",
        { "modelinfer.matrixinfer.ai/name": "mi", "modelinfer.matrixinfer.ai/entry": "true" },
        "other",
      ),
    ]);
    const found = await reader.sizable();
    assert.deepEqual(
      [found.modelInfers.map((m) => m.metadata.name), found.inferenceServices.map((i) => i.metadata.name)],
      [["mi"], ["s"]],
    );
    assert.deepEqual(
      await reader.podNames("serving", "modelinfer.matrixinfer.ai/name=mi,modelinfer.matrixinfer.ai/entry=true"),
      ["entry"],
    );
    assert.ok(selects("", { a: "b" }) && !selects("a=b", undefined));
  });

  it("the Sized condition is written only when it changes, and the Event only on a transition or a new allocation", async () => {
    const first = (await cycle({ inferenceServices: [service("s", {})] })).changes[0]!;
    assert.equal(first.sized?.reason, "Optimized");
    const replicas = (first.patch!.body as { spec: { replicas: number } }).spec.replicas;
    const settled = service("s", { replicas });
    settled.status = {
      replicas,
      conditions: [{ type: "Sized", status: "True", reason: "Optimized", message: first.sized.message }],
    };
    const [again] = (await cycle({ inferenceServices: [settled] })).changes;
    assert.deepEqual([again!.sized, again!.event], [undefined, undefined]);
    assert.ok(again!.patch, "the patch is sent anyway: idempotent, and the dry run shows it");
  });
});
