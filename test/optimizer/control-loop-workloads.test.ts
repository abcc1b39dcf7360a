import assert from "node:assert/strict";
import { join } from "node:path";
import { crdSchema } from "../../src/apis/crds.js";
import { apiVersionOf } from "../../src/kube/kind.js";
import { LOOP_ACCESS } from "../../src/optimizer/loop/api.js";
import { OptimizerLoop, type OptimizerLoopOptions } from "../../src/optimizer/loop/loop.js";
import { loadSystemDir } from "../../src/optimizer/load-dir.js";
import { solveSystem } from "../../src/optimizer/solve.js";
import type { ServerSpec, SystemSpec } from "../../src/optimizer/spec.js";
import { ApiDouble, type StoredObject } from "../support/api-double.js";
import { parsePath } from "../support/api-http.js";
import { schemaProblems } from "../support/crd-schema.js";
import { INFERNO } from "../support/inferno.js";
import { LOOP_NODES, LOOP_NS, optimizerConfigMap, pod, testLoop } from "../support/optimizer-loop.js";
import type { Solution } from "../../src/optimizer/solution.js";
import { serveVllmMetrics, startPrometheus, waitForWindow, type RunningPrometheus } from "../support/prometheus.js";
import { assertValidKubernetes } from "../support/schema.js";

const MODELINFERS = "workload.matrixinfer.ai/v1alpha1/modelinfers";
const SERVICES = "inference.ai/v1alpha1/inferenceservices";
const A100_PRODUCT = "NVIDIA-A100-SXM4-80GB";

/** A ModelInfer the loop sizes: inferno's labels, its groups on G2 nodes (entry template nodeSelector). */
function modelInfer(): StoredObject {
  const template = (selector: Record<string, string>): unknown => ({
    spec: { nodeSelector: selector, containers: [{ name: "engine", image: "vllm/vllm-openai:v0.11.0" }] },
  });
  return {
    apiVersion: "workload.matrixinfer.ai/v1alpha1",
    kind: "ModelInfer",
    metadata: {
      name: "llama-mi",
      namespace: "serving",
      labels: {
        "inferno.server.managed": "true",
        "inferno.server.model": "llama_13b",
        "inferno.server.class": "Premium",
      },
    },
    spec: {
      replicas: 1,
      template: {
        roles: [
          {
            name: "serve",
            replicas: 1,
            workerReplicas: 1,
            entryTemplate: template({ "nvidia.com/gpu.product": "G2" }),
            workerTemplate: template({ "nvidia.com/gpu.product": "G2" }),
          },
        ],
      },
    },
    status: { replicas: 1, labelSelector: "modelinfer.matrixinfer.ai/name=llama-mi" },
  };
}

/** An InferenceService with strategy optimizer that may run on A100 or G2; on A100 now. */
function inferenceService(): StoredObject {
  return {
    apiVersion: "inference.ai/v1alpha1",
    kind: "InferenceService",
    metadata: { name: "chat", namespace: "serving" },
    spec: {
      model: { name: "ibm-granite/granite-13b-instruct-v2" },
      gpu: { type: A100_PRODUCT, count: 1 },
      autoscaling: {
        strategy: "optimizer",
        minReplicas: 1,
        maxReplicas: 20,
        optimizer: { serviceClass: "Bronze", model: "granite_13b", accelerators: ["A100", "G2"] },
      },
    },
    status: { replicas: 1 },
  };
}

interface Sized {
  type: string;
  status: string;
  reason: string;
  message: string;
}

describe("optimizer control loop sizes ModelInfers and InferenceServices (real Prometheus, API double)", function () {
  this.timeout(60_000);
  let api: ApiDouble;
  let configMap: StoredObject;
  let prometheus: RunningPrometheus;
  let vllm: Awaited<ReturnType<typeof serveVllmMetrics>>;

  before(async () => {
    configMap = await optimizerConfigMap();
    vllm = await serveVllmMetrics([
      { namespace: "serving", pod: "llama-mi-0-serve-0-0", rpm: 240, inTokens: 128, outTokens: 1024 },
      // A worker: no entry label, so its series (there are none in a real vLLM worker) must not count.
      { namespace: "serving", pod: "llama-mi-0-serve-0-1", rpm: 999, inTokens: 1, outTokens: 1 },
      { namespace: "serving", pod: "chat-6c9d7-aaaaa", rpm: 60, inTokens: 128, outTokens: 512 },
      { namespace: "serving", pod: "chat-6c9d7-bbbbb", rpm: 60, inTokens: 128, outTokens: 512 },
      { namespace: "serving", pod: "chatbot-5f8d9-ccccc", rpm: 999, inTokens: 1, outTokens: 1 },
    ]);
    prometheus = await startPrometheus(vllm.target);
    await waitForWindow(prometheus, "vllm:request_success_total", 10);
  });
  after(async () => {
    await prometheus.stop();
    await vllm.close();
  });

  beforeEach(async () => {
    api = new ApiDouble();
    await api.start();
    api.create("v1/configmaps", structuredClone(configMap));
    for (const node of LOOP_NODES) api.create("v1/nodes", node);
    api.create(MODELINFERS, modelInfer());
    api.create(SERVICES, inferenceService());
    api.create(
      "v1/pods",
      pod("serving", "llama-mi-0-serve-0-0", {
        "modelinfer.matrixinfer.ai/name": "llama-mi",
        "modelinfer.matrixinfer.ai/entry": "true",
      }),
    );
    api.create("v1/pods", pod("serving", "llama-mi-0-serve-0-1", { "modelinfer.matrixinfer.ai/name": "llama-mi" }));
    for (const name of ["chat-6c9d7-aaaaa", "chat-6c9d7-bbbbb"])
      api.create("v1/pods", pod("serving", name, { "inference.ai/inferenceservice": "chat" }));
    api.create("v1/pods", pod("serving", "chatbot-5f8d9-ccccc", { "inference.ai/inferenceservice": "chatbot" }));
  });
  afterEach(async () => {
    await api.stop();
  });

  const loop = (token = "t", solve?: OptimizerLoopOptions["solve"]): OptimizerLoop =>
    testLoop(api, { prometheusUrl: prometheus.url, window: "10s", token, ...(solve ? { solve } : {}) });

  const mi = (): StoredObject => api.get(MODELINFERS, "serving", "llama-mi")!;
  const svc = (): StoredObject => api.get(SERVICES, "serving", "chat")!;
  const sized = (obj: StoredObject): Sized | undefined =>
    (obj.status as { conditions?: Sized[] }).conditions?.find((c) => c.type === "Sized");

  /** What the same data says for the loads the loop measured (its status ConfigMap records them). */
  async function expected(): Promise<Map<string, { accelerator: string; replicas: number }>> {
    const status = api.get("v1/configmaps", LOOP_NS, "inferplane-optimizer-status")!;
    const report = JSON.parse((status.data as Record<string, string>)["solution-data.json"]!) as {
      allocations: Record<string, { load: { arrivalRate: number; avgLength: number } }>;
    };
    const data = loadSystemDir(join(INFERNO, "v1/small"));
    const server = (name: string, model: string, cls: string, accelerators: string[], current: string): ServerSpec => {
      const load = report.allocations[name]!.load;
      const acc = data.accelerators.get(current)!;
      const perf = data.perf.get(model)!.get(current)!;
      return {
        name,
        serviceClass: cls,
        model,
        keepAccelerator: false,
        minNumReplicas: 1,
        maxBatchSize: 0,
        accelerators,
        load: { arrivalRate: load.arrivalRate, avgInTokens: 0, avgOutTokens: load.avgLength },
        current: {
          accelerator: current,
          numReplicas: 1,
          maxBatch: 0,
          cost: acc.cost * perf.accCount,
          itlAverage: 0,
          latencyAverage: 0,
        },
      };
    };
    const system: SystemSpec = {
      ...data,
      servers: [
        server("serving/llama-mi", "llama_13b", "Premium", ["G2"], "G2"),
        server("serving/chat", "granite_13b", "Bronze", ["A100", "G2"], "A100"),
      ],
      capacity: new Map([
        ["L4", 0],
        ["A100", 8],
        ["AIU2", 0],
        ["G2", 32],
      ]),
      optimizer: { ...data.optimizer, unlimited: false, saturationPolicy: "None" },
    };
    const solution = await solveSystem(system, "greedy");
    return new Map(
      solution.allocations.map((a) => [a.server.name, { accelerator: a.accelerator, replicas: a.replicas }]),
    );
  }

  it("reads each one's load from its own pods (a ModelInfer's entry pods only) and writes what the solver chooses", async () => {
    const result = await loop().invoke();
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.fallbacks, []);
    assert.deepEqual(result.skipped, []);
    const status = api.get("v1/configmaps", LOOP_NS, "inferplane-optimizer-status")!;
    const loads = JSON.parse((status.data as Record<string, string>)["solution-data.json"]!) as {
      allocations: Record<string, { load: { arrivalRate: number } }>;
    };
    const rpm = (server: string): number => loads.allocations[server]!.load.arrivalRate;
    assert.ok(Math.abs(rpm("serving/llama-mi") - 240) / 240 < 0.15, `llama-mi measured ${rpm("serving/llama-mi")}`);
    assert.ok(Math.abs(rpm("serving/chat") - 120) / 120 < 0.15, `chat measured ${rpm("serving/chat")} (two pods)`);

    const want = await expected();
    const llama = want.get("serving/llama-mi")!;
    const chat = want.get("serving/chat")!;
    assert.equal(llama.accelerator, "G2", "a ModelInfer stays on the accelerator its groups run on");
    assert.ok(llama.replicas > 1, "240 req/min needs more than one InferGroup");
    assert.equal((mi().spec as { replicas: number }).replicas, llama.replicas);
    assert.ok(
      api.requests.includes(
        "PATCH /apis/workload.matrixinfer.ai/v1alpha1/namespaces/serving/modelinfers/llama-mi/scale",
      ),
    );
    const service = svc().spec as { replicas: number; gpu: { type: string; count: number } };
    assert.equal(service.replicas, chat.replicas);
    assert.equal(service.gpu.type, chat.accelerator === "A100" ? A100_PRODUCT : "G2");
    assert.equal(service.gpu.count, 1, "the merge patch leaves the rest of spec.gpu alone");

    for (const [obj, want] of [
      [mi(), llama],
      [svc(), chat],
    ] as const) {
      const condition = sized(obj)!;
      assert.deepEqual([condition.status, condition.reason], ["True", "Optimized"]);
      assert.match(
        condition.message,
        new RegExp(`^${want.accelerator}×${want.replicas}, batch \\d+, [\\d.]+ cents/hour`),
      );
      assert.deepEqual(schemaProblems(crdSchema(String(obj.apiVersion), String(obj.kind))!, obj), []);
    }
    const events = api.list("v1/events") as (StoredObject & {
      involvedObject: { kind: string; name: string };
      reason: string;
    })[];
    assert.deepEqual(events.map((e) => `${e.involvedObject.kind}/${e.involvedObject.name} ${e.reason}`).sort(), [
      "InferenceService/chat Optimized",
      "ModelInfer/llama-mi Optimized",
    ]);
    for (const event of events) assertValidKubernetes(event);
  });

  it("makes no request its RBAC (LOOP_ACCESS, which the chart grants) does not cover", async () => {
    await loop("loop").invoke();
    const granted = new Set(
      LOOP_ACCESS.flatMap((a) =>
        a.verbs.map((v) => `${v} ${apiVersionOf(a.kind)}/${a.kind.plural}${a.subresource ? `/${a.subresource}` : ""}`),
      ),
    );
    const verbs: Record<string, string> = { POST: "create", PUT: "update", PATCH: "patch", DELETE: "delete" };
    const made = (api.requestsBy.get("loop") ?? []).flatMap((request) => {
      const [method = "", path = ""] = request.split(" ");
      const target = parsePath(path)!;
      if (target.resource === "v1/configmaps") return []; // its own two, by name: the chart's Role
      const verb = method === "GET" ? (target.name ? "get" : "list") : verbs[method]!;
      return [`${verb} ${target.resource}${target.subresource ? `/${target.subresource}` : ""}`];
    });
    assert.ok(made.length > 5);
    assert.deepEqual([...new Set(made.filter((m) => !granted.has(m)))], []);
  });

  it("a second cycle with nothing new writes no condition again and raises no Event", async () => {
    // The same allocation both times: Prometheus' rates over a short window drift with scrape
    // timing on a loaded machine, and what is under test here is the write side.
    let first: Solution | undefined;
    const l = loop("t", async (system) => (first ??= await solveSystem(system)));
    await l.invoke();
    const events = api.list("v1/events").length;
    const before = api.requests.filter((r) => r.startsWith("PUT") && r.endsWith("/status")).length;
    await l.invoke();
    assert.equal(api.list("v1/events").length, events);
    const writes = api.requests.filter((r) => r.startsWith("PUT") && r.endsWith("/status")).length - before;
    assert.ok(writes <= 2, `at most a changed load in the message: ${writes} status writes`);
  });

  it("a solver error writes nothing to either: no scale, no spec, no Sized", async () => {
    const result = await loop("t", () => Promise.reject(new Error("solver exploded"))).invoke();
    assert.equal(result.ok, false);
    assert.ok(!api.requests.some((r) => r.startsWith("PATCH") || r.startsWith("PUT")), api.requests.join("\n"));
    assert.equal((mi().spec as { replicas: number }).replicas, 1);
    assert.equal(sized(svc()), undefined);
  });

  it("an object the data cannot size is Sized False NotSizable, once, with why; the others are sized", async () => {
    api.update(SERVICES, "serving", "chat", (s) => {
      (s.spec as { autoscaling: { optimizer: { model: string } } }).autoscaling.optimizer.model = "no_such_model";
    });
    const l = loop();
    const result = await l.invoke();
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.skipped, ["InferenceService serving/chat: no performance data for model no_such_model"]);
    const condition = sized(svc())!;
    assert.deepEqual(
      [condition.status, condition.reason, condition.message],
      ["False", "NotSizable", "no performance data for model no_such_model"],
    );
    assert.equal((svc().spec as { replicas?: number }).replicas, undefined, "its replicas left alone");
    assert.equal(sized(mi())!.reason, "Optimized");
    await l.invoke();
    const warnings = api.list("v1/events").filter((e) => (e as { reason?: string }).reason === "NotSizable");
    assert.equal(warnings.length, 1, "one Warning, not one per cycle");
  });
});
