import type { KubeConfig } from "@kubernetes/client-node";
import type { ClusterView } from "../../cluster-view/cluster-view.js";
import type { Logger } from "../../logging.js";
import type { KubeObject } from "../../kube/object.js";
import { ApiControllerClient, type ControllerClient } from "./client.js";
import { Controller, type ReconcileObserver } from "./controller.js";
import { LeaderElector } from "./leader-election.js";
import type { AnyReconciler } from "./reconciler.js";

/** Something else only the leader runs (the optimizer's control loop). */
export interface LeaderTask {
  start(): void;
  stop(): Promise<void>;
}

export interface ManagerOptions {
  kubeconfig: KubeConfig;
  view: ClusterView;
  log: Logger;
  /** The Lease (coordination.k8s.io/v1) the replicas compete for. */
  leaseNamespace: string;
  leaseName: string;
  identity: string;
  reconcilers: readonly AnyReconciler[];
  leaderTasks?: readonly LeaderTask[];
  observer?: ReconcileObserver;
  client?: ControllerClient;
  /** Called with true when this replica starts leading (once its view synced), false when it stops. */
  onLeading?: (leading: boolean) => void;
}

/**
 * Every controller behind one Lease: each replica serves admission, only the Lease holder
 * reconciles, and only once its cluster view has synced (or it would act on an empty cache).
 */
export class ControllerManager {
  private readonly controllers: Controller<KubeObject, unknown>[];
  private readonly elector: LeaderElector;
  private waiting: NodeJS.Timeout | undefined;

  constructor(private readonly options: ManagerOptions) {
    const client = options.client ?? new ApiControllerClient(options.kubeconfig);
    this.controllers = options.reconcilers.map(
      (reconciler) =>
        new Controller(reconciler, {
          view: options.view,
          client,
          log: options.log.child({ component: `controller-${reconciler.name}` }),
          ...(options.observer ? { observer: options.observer } : {}),
        }),
    );
    this.elector = new LeaderElector({
      kubeconfig: options.kubeconfig,
      namespace: options.leaseNamespace,
      name: options.leaseName,
      identity: options.identity,
      log: options.log,
      onStartedLeading: () => {
        this.startWhenSynced();
      },
      onStoppedLeading: () => {
        void this.stopLeading();
      },
    });
  }

  start(): void {
    this.elector.start();
  }

  async stop(): Promise<void> {
    await this.elector.stop();
    await this.stopLeading();
  }

  private startWhenSynced(): void {
    if (!this.options.view.hasSynced()) {
      this.waiting = setTimeout(() => {
        this.startWhenSynced();
      }, 100);
      return;
    }
    for (const c of this.controllers) c.start();
    for (const t of this.options.leaderTasks ?? []) t.start();
    this.options.onLeading?.(true);
  }

  private async stopLeading(): Promise<void> {
    clearTimeout(this.waiting);
    this.options.onLeading?.(false);
    await Promise.all([
      ...this.controllers.map((c) => c.stop()),
      ...(this.options.leaderTasks ?? []).map((t) => t.stop()),
    ]);
  }
}
