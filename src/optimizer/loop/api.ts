import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig } from "@kubernetes/client-node";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { Node } from "kubernetes-types/core/v1.js";
import * as L from "./labels.js";
import type { DeploymentChange } from "./actuate.js";
import { statusCode } from "../../kube/api-errors.js";
import { eventFor } from "../../kube/api-event.js";

/** What the control loop reads and writes in the cluster; an interface so the loop is tested through the real client against the API double. */
export interface OptimizerCluster {
  managedDeployments(): Promise<Deployment[]>;
  /** The ConfigMap's data, or undefined when it does not exist. */
  configMap(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  nodes(): Promise<Node[]>;
  apply(change: DeploymentChange): Promise<void>;
  event(change: DeploymentChange): Promise<void>;
  writeConfigMap(namespace: string, name: string, data: Record<string, string>): Promise<void>;
}

export class ApiOptimizerCluster implements OptimizerCluster {
  private readonly apps: AppsV1Api;
  private readonly core: CoreV1Api;

  constructor(kubeconfig: KubeConfig) {
    this.apps = kubeconfig.makeApiClient(AppsV1Api);
    this.core = kubeconfig.makeApiClient(CoreV1Api);
  }

  async managedDeployments(): Promise<Deployment[]> {
    const list = await this.apps.listDeploymentForAllNamespaces({ labelSelector: `${L.MANAGED}=true` });
    return list.items as Deployment[];
  }

  async configMap(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    try {
      return (await this.core.readNamespacedConfigMap({ namespace, name })).data ?? {};
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw err;
    }
  }

  async nodes(): Promise<Node[]> {
    return (await this.core.listNode()).items as Node[];
  }

  async apply(change: DeploymentChange): Promise<void> {
    await this.apps.patchNamespacedDeployment(
      { namespace: change.namespace, name: change.deployment, body: change.patch },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
  }

  async event(change: DeploymentChange): Promise<void> {
    if (!change.event) return;
    const involved = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: change.deployment,
      namespace: change.namespace,
    };
    const { type, reason, message } = change.event;
    await this.core.createNamespacedEvent({
      namespace: change.namespace,
      body: eventFor(involved, type, reason, message, "inferplane-optimizer"),
    });
  }

  async writeConfigMap(namespace: string, name: string, data: Record<string, string>): Promise<void> {
    const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data };
    try {
      await this.core.replaceNamespacedConfigMap({ namespace, name, body });
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
      await this.core.createNamespacedConfigMap({ namespace, body });
    }
  }
}
