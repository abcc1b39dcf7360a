import type { InferenceGatewaySpec } from "../apis/production-stack.js";
import {
  KV_CACHE_SCORER,
  PREFIX_CACHE_SCORER,
  QUEUE_SCORER,
  type ScorerWeight,
} from "../gateway-api/endpoint-picker.js";
import type { RoutingLogic } from "../vllm-router/dynamic-config.js";

/** The production-stack tutorials' session header. */
export const DEFAULT_SESSION_HEADER = "x-user-id";

/** How a policy is carried, and the words of the spec it could not carry (condition PolicyHonored). */
export interface RouterPolicy {
  logic: RoutingLogic;
  sessionKey?: string;
  unhonored: string[];
}

const KV_AWARE_NEEDS =
  "schedulingPolicy gpu-load-aware: the router weighs GPU load only with kvaware, which needs the engines' LMCache " +
  "reporting to it (set router.lmcacheControllerPort), or use target gateway-api";

/**
 * The router's routing_logic for the seeds' words (DESIGN.md §13). The router runs one logic, so
 * the first that applies wins: gpu-load-aware with an LMCache controller → kvaware (its session
 * fallback keyed by the session header when sessionAffinity); routeStrategy PrefixHash →
 * prefixaware; sessionAffinity → session; otherwise roundrobin. What the winner leaves out is listed.
 */
export function routerPolicy(spec: InferenceGatewaySpec): RouterPolicy {
  const header = spec.sessionHeader ?? DEFAULT_SESSION_HEADER;
  const gpu = spec.schedulingPolicy === "gpu-load-aware";
  const prefix = spec.routeStrategy === "PrefixHash";
  const session = spec.sessionAffinity === true;
  if (gpu && spec.router?.lmcacheControllerPort !== undefined) {
    const unhonored = prefix
      ? ["routeStrategy PrefixHash: kvaware already sends a prompt to the engine holding its KV cache"]
      : [];
    return { logic: "kvaware", ...(session ? { sessionKey: header } : {}), unhonored };
  }
  const unhonored = gpu ? [KV_AWARE_NEEDS] : [];
  if (prefix) {
    if (session)
      unhonored.push("sessionAffinity: prefixaware has no session key (a session's turns share their prefix)");
    return { logic: "prefixaware", unhonored };
  }
  if (session) return { logic: "session", sessionKey: header, unhonored };
  return { logic: "roundrobin", unhonored };
}

export interface PickerPolicy {
  scorers: ScorerWeight[];
  unhonored: string[];
}

/**
 * The Endpoint Picker's scorers for the seeds' words, with the project chart's weights: gpu-load-aware
 * → queue 2 and KV-cache utilization 2; PrefixHash → prefix-cache 3; anything else (roundrobin,
 * nothing) → the queue scorer alone, the nearest to an even spread. The picker has no session
 * scorer, nor round robin.
 */
export function pickerPolicy(spec: InferenceGatewaySpec): PickerPolicy {
  const scorers: ScorerWeight[] = [];
  const unhonored: string[] = [];
  if (spec.schedulingPolicy === "gpu-load-aware")
    scorers.push({ type: QUEUE_SCORER, weight: 2 }, { type: KV_CACHE_SCORER, weight: 2 });
  if (spec.routeStrategy === "PrefixHash") scorers.push({ type: PREFIX_CACHE_SCORER, weight: 3 });
  if (scorers.length === 0) scorers.push({ type: QUEUE_SCORER, weight: 1 });
  if (spec.schedulingPolicy === "roundrobin")
    unhonored.push("schedulingPolicy roundrobin: the Endpoint Picker has no round robin; it picks the shortest queue");
  if (spec.sessionAffinity)
    unhonored.push("sessionAffinity: the Endpoint Picker (v1.5) has no session-affinity scorer");
  return { scorers, unhonored };
}

/** `queue-scorer:2,kv-cache-utilization-scorer:2`: status.routingLogic of a gateway-api target. */
export function scorerText(scorers: readonly ScorerWeight[]): string {
  return scorers.map((s) => `${s.type}:${s.weight}`).join(",");
}
