import type { PrefillDecodingDisaggregation } from "../../src/apis/production-stack.js";
import { flagNameProblem } from "../../src/engines/cli.js";
import type { FieldError } from "../field-errors.js";
import type { Findings } from "./findings.js";

/**
 * Each engineConfig key becomes the engine flag `--<key>` on every pod of the PDD's sides
 * (webhooks/gpu/engine-flags.ts): a key that is no flag name (`""`, `bad key`,
 * `--trust-remote-code --x`) would give the engine `--`, `--bad key` or `----trust-remote-code --x`.
 */
export function engineConfigKeyErrors(pdd: PrefillDecodingDisaggregation): FieldError[] {
  return Object.keys(pdd.spec.engineConfig ?? {}).flatMap((key) => {
    const problem = flagNameProblem(key);
    return problem
      ? [
          {
            path: `spec.engineConfig[${key}]`,
            detail: problem,
            fix: "write the flag's name without dashes, e.g. max-num-seqs",
          },
        ]
      : [];
  });
}

/** The PDD rules of its pods' engine flags. */
export function pddFlagFindings(pdd: PrefillDecodingDisaggregation): Findings {
  return { problems: engineConfigKeyErrors(pdd), warnings: [] };
}
