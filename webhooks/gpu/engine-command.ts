import type { Pod } from "kubernetes-types/core/v1.js";
import { simpleCommands } from "../../src/engines/shell.js";
import type { Backend } from "../../src/apis/inference-ai.js";
import { failure, success, type Outcome } from "../enhancers/result.js";
import { DenialCode } from "../field-errors.js";
import { annotationPath, engineOf, type GpuAsk } from "./ask.js";
import * as A from "./annotations.js";
import { engineArgs, launchedBackend, shellScriptIndex } from "./engine-args.js";
import { flagsFor } from "./engine-flags.js";
import { engineConfigKeyErrors } from "../validators/pdd.js";

/** The engine a container starts, as its command line (or sh -c script) shows it, if inferplane knows it. */
export function containerBackend(pod: Pod, ask: GpuAsk): Backend | undefined {
  const container = engineOf(pod, ask);
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  const script = shellScriptIndex(container);
  if (script === undefined) return launchedBackend(argv);
  const commands = simpleCommands(argv[script] ?? "") ?? [];
  return commands.map((c) => launchedBackend(c.words.map((w) => w.value))).find((b) => b !== undefined);
}

/** The annotation the ask's backend came from: the pod's own, else the PDD (named directly or by its InferenceCache). */
function backendSource(pod: Pod): string {
  const annotations = pod.metadata?.annotations ?? {};
  if (annotations[A.BACKEND] !== undefined) return A.BACKEND;
  return annotations[A.PDD] !== undefined ? A.PDD : A.INFERENCE_CACHE;
}

/** The pod says one backend and the PDD it names configures another. */
function pddMismatch(pod: Pod, ask: GpuAsk): Outcome<undefined> {
  const pdd = ask.pd?.pdd;
  const explicit = pod.metadata?.annotations?.[A.BACKEND];
  if (!pdd?.spec.engine || explicit === undefined || pdd.spec.engine === explicit) return success(undefined);
  return failure(DenialCode.Forbidden, {
    path: annotationPath(A.PDD),
    detail: `PrefillDecodingDisaggregation ${pdd.metadata.name ?? ""} configures ${pdd.spec.engine}, but the pod's backend is ${explicit}`,
    fix: `name a PDD whose engine is ${explicit}, or set ${A.BACKEND} to ${pdd.spec.engine}`,
  });
}

/** The container starts another engine than the one whose flags the ask would give it. */
function mismatch(pod: Pod, ask: GpuAsk): Outcome<undefined> {
  const pdd = pddMismatch(pod, ask);
  const runs = containerBackend(pod, ask);
  if (!pdd.ok || runs === undefined || runs === ask.backend) return pdd;
  const source = backendSource(pod);
  const own = source === A.BACKEND;
  const via = own ? "" : ` (from PrefillDecodingDisaggregation ${ask.pd?.pdd.metadata.name ?? ""})`;
  return failure(own ? DenialCode.Invalid : DenialCode.Forbidden, {
    path: annotationPath(source),
    detail: `container ${engineOf(pod, ask).name} runs ${runs}, but the pod's backend is ${ask.backend}${via}: it would get ${ask.backend}'s flags`,
    fix: own ? `set ${A.BACKEND} to ${runs}` : `name a PDD whose engine is ${runs}, or run ${ask.backend}`,
  });
}

/**
 * Before any engine flag is set: the container runs the engine the ask is for (a `vllm serve`
 * container given SGLang's flags by a PDD fails to start, or worse, starts otherwise), and the
 * flags can be put where the engine reads them — in command/args, or in the engine's command
 * inside an `sh -c` script. Refused otherwise, with the fix.
 */
export function checkEngineCommand(pod: Pod, ask: GpuAsk): Outcome<undefined> {
  const keys = ask.pd ? engineConfigKeyErrors(ask.pd.pdd) : [];
  if (keys[0])
    return failure(DenialCode.Forbidden, {
      path: annotationPath(backendSource(pod) === A.INFERENCE_CACHE ? A.INFERENCE_CACHE : A.PDD),
      detail: `PrefillDecodingDisaggregation ${ask.pd?.pdd.metadata.name ?? ""}: ${keys[0].path}: ${keys[0].detail}`,
      fix: `fix the PDD: ${keys[0].fix}`,
    });
  const wrong = mismatch(pod, ask);
  if (!wrong.ok || flagsFor(ask).length === 0) return wrong;
  const container = engineOf(pod, ask);
  const lists = engineArgs(container, ask.backend);
  if (typeof lists !== "string") return success(undefined);
  const where = (container.command ?? []).length > 0 ? "command" : "args";
  return failure(DenialCode.Invalid, {
    path: `spec.containers[${ask.engineIndex}].${where}`,
    detail: `inferplane must set ${ask.backend} flags (${flagsFor(ask)
      .map(([name]) => `--${name}`)
      .join(", ")}), but ${lists}; words after the script reach the shell as $0, $1…, not the engine`,
    fix: "run the engine with command and args (e.g. command: [vllm, serve], args: [<model>, …]), or start it in the script with its usual command (vllm serve …, python3 -m sglang.launch_server …)",
  });
}
