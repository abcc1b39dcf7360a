import type { StackInferenceService } from "../apis/production-stack.js";

/** [status, reason, message] of a condition. */
export type Verdict = ["True" | "False" | "Unknown", string, string];

/** The semantic-cache settings the vLLM router has no place for (it keeps its cache in its own process). */
export function ignoredSemanticCacheSettings(svc: StackInferenceService): string[] {
  const cache = svc.spec.nlpFilters?.semanticCache;
  return [
    ...(cache?.ttlSeconds !== undefined ? ["ttlSeconds"] : []),
    ...(cache?.storeRef !== undefined ? ["storeRef"] : []),
  ];
}

/**
 * nlpFilters.semanticCache (seed 001) as far as a real component honours it: the vLLM router's
 * semantic cache (`--feature-gates SemanticCache=true --semantic-cache-threshold`, chat completions
 * only) when the service is routed by a router gateway; the Inference Extension has none.
 * Undefined when no service asks for it.
 */
export function semanticCacheVerdict(
  services: readonly StackInferenceService[],
  byRouter: boolean,
): Verdict | undefined {
  const asking = services.filter((s) => s.spec.nlpFilters?.semanticCache);
  if (asking.length === 0) return undefined;
  if (!byRouter)
    return ["False", "NoSemanticCache", "the Gateway API Inference Extension has no semantic cache; use target router"];
  const ignored = [...new Set(asking.flatMap(ignoredSemanticCacheSettings))];
  const note = ignored.length > 0 ? `; not supported there, ignored: ${ignored.join(", ")}` : "";
  return ["True", "RouterSemanticCache", `the router's semantic cache answers chat completions${note}`];
}

/**
 * nlpFilters.promptGuard.blockedPatterns (seed 001): neither the vLLM router (its PII middleware
 * is not wired into its app) nor the Inference Extension enforces blocked patterns, so inferplane
 * never claims it. Undefined when no service asks for it.
 */
export function promptGuardVerdict(services: readonly StackInferenceService[]): Verdict | undefined {
  const asking = services.filter((s) => (s.spec.nlpFilters?.promptGuard?.blockedPatterns ?? []).length > 0);
  if (asking.length === 0) return undefined;
  return [
    "False",
    "NoEnforcingComponent",
    `blockedPatterns of ${asking.map((s) => s.metadata.name ?? "").join(", ")} are not enforced: neither the vLLM ` +
      "router nor the Inference Extension filters prompts; attach your Gateway's own prompt-guard policy",
  ];
}
