import * as models from "kubernetes-models";
import * as prometheusOperator from "@kubernetes-models/prometheus-operator";

/** The official models by API group: Kubernetes' own, and the Prometheus Operator's (ServiceMonitor). */
const MODELS = { ...models, ...prometheusOperator };

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: object) => Validatable;

/** `admissionregistration.k8s.io` → `admissionregistrationK8sIo`, as kubernetes-models names its namespaces. */
function groupNamespace(group: string): string {
  if (group === "") return "v1";
  return group.replace(/[.-]([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function modelClass(apiVersion: string, kind: string): ModelClass | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const byGroup = (MODELS as unknown as Record<string, Record<string, unknown>>)[groupNamespace(group ?? "")];
  const byVersion = (group === "" ? byGroup : byGroup?.[version ?? ""]) as Record<string, unknown> | undefined;
  return byVersion?.[kind] as ModelClass | undefined;
}

/** Throws with the object's kind/name and the schema error when `obj` is not a valid Kubernetes object. */
export function assertValidKubernetes(obj: { apiVersion?: string; kind?: string; metadata?: { name?: string } }): void {
  const Model = modelClass(obj.apiVersion ?? "", obj.kind ?? "");
  if (!Model) throw new Error(`no Kubernetes schema for ${obj.apiVersion ?? "?"} ${obj.kind ?? "?"}`);
  try {
    new Model(obj).validate();
  } catch (err) {
    throw new Error(`${obj.kind ?? "?"} ${obj.metadata?.name ?? "?"} is not valid: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
