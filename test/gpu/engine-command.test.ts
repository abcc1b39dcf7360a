import assert from "node:assert/strict";
import fc from "fast-check";
import { enhanceGpuPod } from "../../webhooks/gpu/enhance.js";
import { validateGpuPod } from "../../webhooks/validators/gpu-pod.js";
import { shellQuote, simpleCommands } from "../../src/engines/shell.js";
import { flagWord } from "../../src/engines/cli.js";
import { ENGINES } from "../../src/engines/index.js";
import { validateOnly } from "../../src/cli/dry-run.js";
import type { KubeObject } from "../../src/kube/object.js";
import { assertDenied } from "../support/denials.js";
import { denied, enhance, gpuPod, inferenceCache, NS, pdd, stores } from "../support/gpu.js";
import { staticView } from "../support/static-view.js";

const TWO_GPUS = { "inference.ai/gpu-count": "2" };
const script = (words: readonly string[]): string[] => ["/bin/sh", "-c", words.join(" ")];

describe("engine flags land where the engine reads them", () => {
  describe("any spelling of a flag is the flag (mergeFlags)", () => {
    for (const [written, expected] of [
      [
        ["-tp", "4"],
        ["-tp", "2"],
      ],
      [["--tensor-parallel-size=4"], ["--tensor-parallel-size=2"]],
      [
        ["--tensor_parallel_size", "4"],
        ["--tensor_parallel_size", "2"],
      ],
    ] as const)
      it(`${written.join(" ")}: replaced where it is, never added a second time`, () => {
        const { engine, warnings } = enhance(gpuPod(TWO_GPUS, { args: ["--port", "8000", ...written] }));
        assert.deepEqual(engine.args, ["--port", "8000", ...expected]);
        assert.equal(warnings.length, 1, JSON.stringify(warnings));
      });

    it("refuses tensor parallelism above the pod's GPUs in any spelling (the validating webhook)", () => {
      for (const args of [["-tp", "8"], ["--tensor_parallel_size=8"]]) {
        const pod = gpuPod({ "inference.ai/gpu-count": "2", "inference.ai/gpu-sharing": "exclusive" }, { args });
        // As stored after a mutation that did not run (no webhook then): the validator reads the flag.
        const verdict = validateGpuPod(pod, NS, stores());
        assertDenied(verdict, 422, "spec.containers[0].args");
      }
    });

    it("puts new flags before `--`, so they stay flags", () => {
      const { engine } = enhance(gpuPod(TWO_GPUS, { args: ["--", "positional"] }));
      assert.deepEqual(engine.args, ["--tensor-parallel-size", "2", "--", "positional"]);
    });

    it("SGLang: --tensor-parallel-size is --tp-size", () => {
      const { engine } = enhance(
        gpuPod(
          { ...TWO_GPUS, "inference.ai/backend": "sglang" },
          { command: ["python3", "-m", "sglang.launch_server"], args: ["--tensor-parallel-size", "8"] },
        ),
      );
      assert.deepEqual(engine.args, ["--tensor-parallel-size", "2", "--enable-metrics"]);
    });

    it("adds no empty nodeSelector to a pod that asks only for whole GPUs", () => {
      const { pod } = enhance(gpuPod(TWO_GPUS));
      assert.equal(pod.spec?.nodeSelector, undefined);
    });
  });

  describe("sh -c: flags go into the script, where the engine command is", () => {
    it("sets them on `vllm serve` inside the script, quoted, and adds nothing after it", () => {
      const { engine } = enhance(
        gpuPod(TWO_GPUS, { command: script(["set -e;", "exec vllm serve m --max-model-len 4096 2>&1"]) }),
      );
      assert.deepEqual(engine.command, [
        "/bin/sh",
        "-c",
        "set -e; exec vllm serve m --max-model-len 4096 --tensor-parallel-size 2 2>&1",
      ]);
      assert.equal(engine.args, undefined);
    });

    it("replaces a value in the script, also when the script is in args", () => {
      const { engine, warnings } = enhance(
        gpuPod(TWO_GPUS, {
          command: ["bash", "-c"],
          args: ['vllm serve "$MODEL" -tp 4 --served-model-name "my model"'],
        }),
      );
      assert.deepEqual(engine.args, ['vllm serve "$MODEL" -tp 2 --served-model-name "my model"']);
      assert.equal(warnings.length, 1);
    });

    it("refuses a script that does not show the engine command (words after it would be $0, $1…), naming the fix", () => {
      for (const command of [script(["python3", "launch.py"]), script(["exec vllm serve 'unclosed"])]) {
        const verdict = enhanceGpuPod(gpuPod(TWO_GPUS, { command }), NS, stores());
        assertDenied(verdict, 422, "spec.containers[0].command");
        assert.ok(!verdict.ok && /command and args/.test(verdict.errors[0]!.fix));
      }
    });

    it("leaves a script alone when there is no flag to set", () => {
      const command = script(["python3", "launch.py"]);
      const { engine } = enhance(gpuPod({ "inference.ai/gpu-count": "1" }, { command }));
      assert.deepEqual(engine.command, command);
    });

    it("gives a Ray worker (ray start --address) no engine flags: it takes them from the head", () => {
      const command = script(['exec ray start --address="${ENTRY_ADDRESS}:6379" --block']);
      const { engine } = enhance(gpuPod(TWO_GPUS, { command }));
      assert.deepEqual([engine.command, engine.args], [command, undefined]);
    });

    it("quotes any words so the shell reads them back as written (property)", () => {
      const word = fc.string({
        unit: fc.constantFrom("a", "-", " ", "'", '"', "$", "\\", "{", "}", "=", "\n", "é", "*", "#", ";"),
      });
      fc.assert(
        fc.property(fc.array(word, { maxLength: 6 }), (words) => {
          const commands = simpleCommands(`exec vllm serve ${words.map(shellQuote).join(" ")}`);
          assert.deepEqual(
            commands?.[0]?.words.slice(3).map((w) => w.value),
            words,
          );
        }),
      );
    });
  });

  describe("PDD engineConfig keys and the engine a pod runs", () => {
    const side = (name: string): Record<string, string> => ({
      "production-stack.vllm.ai/pdd": name,
      "production-stack.vllm.ai/pd-role": "prefill",
    });
    const config = { "max-num-batched-tokens": "8192", "max-num-seqs": "128", "tensor-parallel-size": "1" };

    it("refuses keys that are no flag names at the PDD, and at a pod naming one stored before the rule", () => {
      for (const key of ["", "bad key", "--trust-remote-code --x", "-tp"]) {
        const bad = pdd("bad", { engine: "vllm", engineConfig: { ...config, [key]: "1" } });
        const verdict = validateOnly(
          { ...bad, metadata: { name: "bad", namespace: NS } },
          { view: staticView([]), policy: { excludedNamespaces: new Set() } },
        );
        assert.equal(verdict.status?.code, 422, key);
        assert.match(
          verdict.status?.message ?? "",
          new RegExp(`spec\\.engineConfig\\[${key.replace(/[-]/g, "\\-")}\\]`),
          key,
        );
        denied(gpuPod(side("bad")), [bad], 403, "production-stack.vllm.ai/pdd");
      }
    });

    it("refuses a pod naming one PDD itself and another through its InferenceCache", () => {
      const objects: KubeObject[] = [
        pdd("other-pd", { engine: "vllm", engineConfig: config }),
        pdd("llama3-pd", { engine: "vllm", engineConfig: config }),
        inferenceCache("ic", { pddRef: "llama3-pd" }),
      ];
      denied(
        gpuPod({ ...side("other-pd"), "production-stack.vllm.ai/inference-cache": "ic" }),
        objects,
        403,
        "production-stack.vllm.ai/pdd",
      );
    });

    it("refuses SGLang flags for a `vllm serve` container, wherever the PDD comes from", () => {
      const sglang = pdd("other-pd", {
        engine: "sglang",
        engineConfig: { "max-num-batched-tokens": "8192", "max-num-seqs": "128" },
      });
      denied(gpuPod(side("other-pd")), [sglang], 403, "production-stack.vllm.ai/pdd");
      denied(
        gpuPod({ "production-stack.vllm.ai/inference-cache": "ic", "production-stack.vllm.ai/pd-role": "decode" }),
        [sglang, inferenceCache("ic", { pddRef: "other-pd" })],
        403,
        "production-stack.vllm.ai/inference-cache",
      );
      denied(gpuPod({ "inference.ai/backend": "sglang", ...TWO_GPUS }), [], 422, "inference.ai/backend");
    });
  });

  it("every engine's owned flags and aliases are spelled as its parser reads them", () => {
    for (const [backend, engine] of Object.entries(ENGINES))
      for (const [name, spellings] of Object.entries(engine.cli.aliases))
        for (const spelled of spellings)
          assert.equal(flagWord(spelled, engine.cli)?.name, name, `${backend} ${spelled}`);
  });
});
