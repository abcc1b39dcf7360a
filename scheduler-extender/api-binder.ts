import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import type { Binder } from "./binder.js";
import type { ExtenderBindingArgs } from "./wire.js";

/** POST pods/<name>/binding, with the pod's UID as a precondition so a recreated pod is not bound by mistake. */
export class ApiBinder implements Binder {
  private readonly core: CoreV1Api;

  constructor(kubeconfig: KubeConfig) {
    this.core = kubeconfig.makeApiClient(CoreV1Api);
  }

  async bind(args: ExtenderBindingArgs): Promise<void> {
    await this.core.createNamespacedPodBinding({
      name: args.podName,
      namespace: args.podNamespace,
      body: {
        apiVersion: "v1",
        kind: "Binding",
        metadata: { name: args.podName, namespace: args.podNamespace, uid: args.podUID },
        target: { apiVersion: "v1", kind: "Node", name: args.node },
      },
    });
  }
}
