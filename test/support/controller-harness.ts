import { InformerClusterView } from "../../src/cluster-view/informer-view.js";
import { ApiControllerClient } from "../../src/controllers/runtime/client.js";
import { Controller } from "../../src/controllers/runtime/controller.js";
import type { Reconciler } from "../../src/controllers/runtime/reconciler.js";
import type { KubeObject } from "../../src/kube/object.js";
import { silentLogger } from "../../src/logging.js";
import { ApiDouble } from "./api-double.js";

/** One controller on the real runtime and client-node, its informer view and the API double it talks to. */
export interface Harness<P extends KubeObject, S> {
  api: ApiDouble;
  view: InformerClusterView;
  controller: Controller<P, S>;
  /** Starts the view (first list) and the controller. */
  run(): Promise<void>;
  stop(): Promise<void>;
}

/** A started API double, and a view and controller not yet started (objects created before `run` are listed). */
export async function controllerHarness<P extends KubeObject, S>(reconciler: Reconciler<P, S>): Promise<Harness<P, S>> {
  const api = new ApiDouble();
  await api.start();
  const view = new InformerClusterView(silentLogger, api.kubeConfig());
  const controller = new Controller(reconciler, {
    view,
    client: new ApiControllerClient(api.kubeConfig()),
    log: silentLogger,
    minRetryMs: 20,
  });
  return {
    api,
    view,
    controller,
    run: async () => {
      await view.start();
      controller.start();
    },
    stop: async () => {
      await controller.stop();
      await view.stop();
      await api.stop();
    },
  };
}
