import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { InferenceServiceSpec } from "../../src/apis/inference-ai.js";
import type { ModelInfer } from "../../src/apis/matrixinfer.js";
import { validateOnly } from "../../src/cli/dry-run.js";
import { inferenceServiceDesired } from "../../src/controllers/inferenceservice/desired.js";
import { inferenceServiceStatus } from "../../src/controllers/inferenceservice/status.js";
import { simpleCommands } from "../../src/engines/shell.js";
import { StaticView } from "../support/static-view.js";
import { pool } from "../support/gpu.js";
import { admission, childOfKind, inferenceService, NS } from "./support.js";

const paths = (spec: Partial<InferenceServiceSpec>): string[] => {
  const verdict = validateOnly(inferenceService("svc", spec), admission());
  if (verdict.allowed) return [];
  assert.equal(verdict.status?.code, 422);
  return (verdict.status?.message ?? "")
    .replace(/^[^:]*is invalid: /, "")
    .split("; and ")
    .map((e) => e.split(": ")[0] ?? "");
};

describe("InferenceService: what would make its pods invalid or its engine run otherwise is refused", () => {
  it("refuses a gpu.type or nodeSelector value no node label can have", () => {
    for (const type of ["NVIDIA A100", "bad value ü", "x".repeat(64)])
      assert.deepEqual(paths({ gpu: { count: 1, type } }), ["spec.gpu.type"], type);
    assert.deepEqual(paths({ gpu: { count: 1, type: "nvidia-a100" } }), [], "a family stands for valid products");
    assert.deepEqual(paths({ nodeSelector: { zone: "rack 1" } }), ["spec.nodeSelector[zone]"]);
    assert.deepEqual(paths({ nodeSelector: { "bad key": "a" } }), ["spec.nodeSelector"]);
  });

  it("holds the rollout when a GPUPool stored before its validation would put a bad value in the pods", () => {
    const stored = {
      ...pool("p", { gpuProduct: "NVIDIA A100", sharing: { mode: "exclusive" } }),
      metadata: { name: "p", namespace: NS },
    };
    const svc = inferenceService("svc", { gpu: { count: 1, pool: "p" } });
    const view = new StaticView([stored]);
    const state = inferenceServiceDesired(svc, view);
    assert.deepEqual(state.children, []);
    assert.match(state.hold ?? "", /nodeSelector\[nvidia.com\/gpu.product\]: "NVIDIA A100" is not a label value/);
    const ready = inferenceServiceStatus(svc, view, new Date()).conditions?.find((c) => c.type === "Ready");
    assert.equal(ready?.reason, "PodRefused");
  });

  describe("backendConfig.extraArgs may not set what the controller sets", () => {
    const TABLE: [string, Partial<InferenceServiceSpec>, string[], RegExp][] = [
      ["--port moves the engine off the Service's port", {}, ["--port", "9000"], /remove it: the Service and probes/],
      ["--port=9000", {}, ["--port=9000"], /--port, which inferplane sets/],
      [
        "TP 8 on 2 GPUs",
        { gpu: { count: 2 } },
        ["--tensor-parallel-size", "8"],
        /set spec.backendConfig.tensorParallelism/,
      ],
      ["-tp", { gpu: { count: 2 } }, ["-tp", "8"], /sets --tensor-parallel-size/],
      ["vLLM's underscores", {}, ["--tensor_parallel_size=8"], /sets --tensor-parallel-size/],
      ["an abbreviation", {}, ["--tensor-parallel", "8"], /abbreviates --tensor-parallel-size/],
      ["another model", {}, ["--model", "other"], /set spec.model/],
      ["the end of options", {}, ["--"], /ends the engine's options/],
      ["SGLang's alias", { backend: "sglang" }, ["--tensor-parallel-size", "4"], /sets --tp-size/],
      [
        "prefix caching turned off while asked for",
        { cache: { enabled: true } },
        ["--no-enable-prefix-caching"],
        /spec.cache.enabled/,
      ],
    ];
    for (const [name, spec, extraArgs, message] of TABLE)
      it(`refuses ${name}: ${extraArgs.join(" ")}`, () => {
        const verdict = validateOnly(
          inferenceService("svc", { ...spec, backendConfig: { ...spec.backendConfig, extraArgs } }),
          admission(),
        );
        assert.equal(verdict.status?.code, 422, name);
        assert.match(verdict.status?.message ?? "", /spec\.backendConfig\.extraArgs\[0\]: /);
        assert.match(verdict.status?.message ?? "", message);
      });

    it("allows flags the controller leaves to the user", () => {
      const extraArgs = [
        "--gpu-memory-utilization",
        "0.85",
        "--enable-chunked-prefill",
        "--max-num-batched-tokens=8192",
      ];
      assert.deepEqual(paths({ backendConfig: { extraArgs } }), []);
      assert.deepEqual(
        paths({ backendConfig: { extraArgs: ["--load-format", "safetensors"] } }),
        [],
        "owned only for s3/gcs",
      );
    });
  });

  it("writes a multi-node replica's engine words into the head's script, quoted, with none after it", () => {
    const extraArgs = ["--chat-template", "{{ messages }} it's"];
    const svc = inferenceService("big", { gpu: { count: 2 }, backendConfig: { pipelineParallelism: 2, extraArgs } });
    const mi = childOfKind<ModelInfer>(inferenceServiceDesired(svc, new StaticView()).children, "ModelInfer");
    const head = mi.spec.template.roles[0]!.entryTemplate.spec!.containers[0]!;
    assert.equal(head.args, undefined);
    const serve = simpleCommands(head.command![2]!)!
      .at(-1)!
      .words.map((w) => w.value);
    assert.deepEqual(serve.slice(0, 4), ["exec", "vllm", "serve", "meta-llama/Llama-3.1-8B-Instruct"]);
    assert.deepEqual(serve.slice(-2), extraArgs);
    const worker = mi.spec.template.roles[0]!.workerTemplate!.spec!.containers[0]!;
    assert.equal(worker.args, undefined, "a Ray worker gets no engine flags");
  });

  it("a single-node Deployment's engine keeps command + args", () => {
    const dep = childOfKind<Deployment>(
      inferenceServiceDesired(inferenceService("one", { gpu: { count: 2 } }), new StaticView()).children,
      "Deployment",
    );
    const engine = dep.spec!.template.spec!.containers[0]!;
    assert.deepEqual(engine.command, ["vllm", "serve"]);
    assert.ok(engine.args!.includes("--tensor-parallel-size"));
    assert.equal(dep.spec!.template.spec!.nodeSelector, undefined, "no empty node selector");
  });
});
