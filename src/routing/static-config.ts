import type { StaticRouteSpec } from "../apis/production-stack.js";
import type { DynamicRouterConfig, RoutingLogic } from "../vllm-router/dynamic-config.js";
import { checkBackendUrl } from "../vllm-router/url.js";
import { headerNameError } from "./http-header.js";

/** A field error in the shape admission uses (webhooks/field-errors.ts `FieldError`). */
export interface ConfigError {
  path: string;
  detail: string;
  fix: string;
}

/** One static backend: a URL as the router will keep it and the model it serves. */
export interface StaticBackend {
  url: string;
  model: string;
  /** The URL as the user wrote it, when inferplane qualified a Service name. */
  writtenAs?: string;
}

export interface StaticConfigResult {
  /** Undefined when any error stands: a broken config is never written. */
  config?: DynamicRouterConfig;
  backends: StaticBackend[];
  errors: ConfigError[];
}

/** A comma list as the router splits it (no trimming there; here spaces around items are dropped). */
export function commaList(text: string | undefined): string[] | undefined {
  return text === undefined ? undefined : text.split(",").map((s) => s.trim());
}

function listErrors(path: string, items: readonly string[] | undefined, length?: number): ConfigError[] {
  if (items === undefined) return [];
  const errors: ConfigError[] = [];
  const empty = items.findIndex((s) => s === "");
  if (empty >= 0)
    errors.push({
      path,
      detail: `item ${empty + 1} is empty`,
      fix: "separate items with single commas, no trailing one",
    });
  if (length !== undefined && items.length !== length)
    errors.push({
      path,
      detail: `${items.length} items for ${length} backends`,
      fix: "give one item per backend, in the order of staticBackends (repeat a backend serving two models)",
    });
  return errors;
}

interface Parallel {
  backends: StaticBackend[];
  labels?: string[];
  types?: string[];
  errors: ConfigError[];
}

function staticBackends(spec: StaticRouteSpec, namespace: string, isService: (n: string) => boolean): Parallel {
  const urls = commaList(spec.staticBackends);
  const models = commaList(spec.staticModels);
  const errors: ConfigError[] = [];
  if (!urls) errors.push({ path: "spec.staticBackends", detail: "required", fix: "list the backend URLs" });
  if (!models) errors.push({ path: "spec.staticModels", detail: "required", fix: "list one model per backend" });
  if (!urls || !models) return { backends: [], errors };
  errors.push(...listErrors("spec.staticBackends", urls), ...listErrors("spec.staticModels", models, urls.length));
  const labels = commaList(spec.staticModelLabels);
  const types = commaList(spec.staticModelTypes);
  errors.push(...listErrors("spec.staticModelLabels", labels, urls.length));
  errors.push(...listErrors("spec.staticModelTypes", types, urls.length));
  const backends: StaticBackend[] = [];
  urls.forEach((written, i) => {
    if (written === "") return;
    const check = checkBackendUrl(written, namespace, isService);
    if (!check.ok)
      errors.push({ path: `spec.staticBackends[${i}]`, detail: `${written}: ${check.detail}`, fix: check.fix });
    else backends.push({ url: check.url, model: models[i] ?? "", ...(check.qualified ? { writtenAs: written } : {}) });
  });
  return { backends, errors, ...(labels ? { labels } : {}), ...(types ? { types } : {}) };
}

function logicErrors(spec: StaticRouteSpec, logic: RoutingLogic): ConfigError[] {
  const errors: ConfigError[] = headerNameError("spec.sessionKey", spec.sessionKey);
  if (logic === "session" && !spec.sessionKey)
    errors.push({
      path: "spec.sessionKey",
      detail: "required with routingLogic session",
      fix: "name the session header, e.g. x-user-id",
    });
  if (logic.startsWith("disaggregated_prefill") && (!spec.prefillModelLabels || !spec.decodeModelLabels))
    errors.push({
      path: "spec.prefillModelLabels",
      detail: `${logic} needs prefillModelLabels and decodeModelLabels`,
      fix: "label each backend (staticModelLabels) and name the prefill and decode labels",
    });
  if (spec.serviceDiscovery === "k8s" && spec.k8sPort === undefined)
    errors.push({
      path: "spec.k8sPort",
      detail: "required with serviceDiscovery k8s",
      fix: "give the engines' API port, e.g. 8000",
    });
  return errors;
}

/** The keys copied from the spec as they are (lists without spaces). */
function listKeys(spec: StaticRouteSpec): Partial<DynamicRouterConfig> {
  const joined = (text: string | undefined): string | undefined => commaList(text)?.join(",");
  return {
    static_aliases: joined(spec.staticAliases),
    prefill_model_labels: joined(spec.prefillModelLabels),
    decode_model_labels: joined(spec.decodeModelLabels),
    session_key: spec.sessionKey,
    k8s_namespace: spec.k8sNamespace,
    k8s_port: spec.k8sPort,
    k8s_label_selector: spec.k8sLabelSelector,
  };
}

/** Drops the items at `skip` from a parallel list. */
function without<T>(items: readonly T[] | undefined, skip: ReadonlySet<number>): T[] | undefined {
  return items?.filter((_, i) => !skip.has(i));
}

/**
 * A StaticRoute's router config: the spec's fields under the router's keys, lists normalised
 * (no spaces) and kept parallel, backend URLs checked as the router checks them (a single-label
 * host naming a Service of `namespace` qualified). `exclude` are backend indices left out
 * (healthCheck.excludeUnhealthy); all of them are never left out, since the router needs one.
 */
export function staticRouteConfig(
  spec: StaticRouteSpec,
  namespace: string,
  isService: (name: string) => boolean,
  exclude: ReadonlySet<number> = new Set(),
): StaticConfigResult {
  const discovery = spec.serviceDiscovery ?? "static";
  const logic = spec.routingLogic ?? "roundrobin";
  const errors = logicErrors(spec, logic);
  const parallel: Parallel =
    discovery === "static" ? staticBackends(spec, namespace, isService) : { backends: [], errors: [] };
  errors.push(...parallel.errors);
  if (errors.length > 0) return { backends: parallel.backends, errors };
  const skip = exclude.size < parallel.backends.length ? exclude : new Set<number>();
  const backends = without(parallel.backends, skip) ?? [];
  const config: DynamicRouterConfig = {
    service_discovery: discovery,
    routing_logic: logic,
    ...(discovery === "static"
      ? { static_backends: backends.map((b) => b.url).join(","), static_models: backends.map((b) => b.model).join(",") }
      : {}),
    static_model_labels: without(parallel.labels, skip)?.join(","),
    static_model_types: without(parallel.types, skip)?.join(","),
    ...listKeys(spec),
  };
  return { config, backends: parallel.backends, errors };
}
