import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from "@kubernetes/client-node";
import type { Logger } from "../../logging.js";
import { statusCode } from "../../kube/api-errors.js";

export interface LeaderElectionOptions {
  kubeconfig: KubeConfig;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs?: number;
  retryPeriodMs?: number;
  log: Logger;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

/**
 * Lease-based leader election (coordination.k8s.io/v1), as client-go's: acquire a free or
 * expired Lease, renew it every retry period, and step down when a renewal does not succeed
 * within the lease duration. Writes carry the Lease's resourceVersion, so two candidates that
 * race get a 409 and only one wins.
 */
export class LeaderElector {
  private readonly api: CoordinationV1Api;
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private lastRenewal = 0;
  private stopped = false;

  constructor(private readonly options: LeaderElectionOptions) {
    this.api = options.kubeconfig.makeApiClient(CoordinationV1Api);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  private get durationMs(): number {
    return this.options.leaseDurationMs ?? 15_000;
  }

  start(): void {
    this.stopped = false;
    void this.tick();
  }

  /** Stops campaigning and, when leading, releases the Lease so another replica takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (!this.leading) return;
    this.setLeading(false);
    try {
      const lease = await this.api.readNamespacedLease({ name: this.options.name, namespace: this.options.namespace });
      if (lease.spec?.holderIdentity === this.options.identity) {
        lease.spec.holderIdentity = undefined;
        await this.api.replaceNamespacedLease({
          name: this.options.name,
          namespace: this.options.namespace,
          body: lease,
        });
      }
    } catch (err) {
      this.options.log.warn("could not release the leader Lease", { error: String(err) });
    }
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    this.options.log.info(leading ? "became leader" : "stopped leading", {
      lease: `${this.options.namespace}/${this.options.name}`,
      identity: this.options.identity,
    });
    if (leading) this.options.onStartedLeading();
    else this.options.onStoppedLeading();
  }

  private async tick(): Promise<void> {
    try {
      if (await this.tryAcquireOrRenew()) this.lastRenewal = Date.now();
    } catch (err) {
      this.options.log.debug("leader election attempt failed", { error: String(err) });
    }
    if (this.stopped) return;
    this.setLeading(this.lastRenewal > 0 && Date.now() - this.lastRenewal < this.durationMs);
    this.timer = setTimeout(() => {
      void this.tick();
    }, this.options.retryPeriodMs ?? 2_000);
    this.timer.unref();
  }

  private freshSpec(transitions: number): V1Lease["spec"] {
    const now = new V1MicroTime();
    return {
      holderIdentity: this.options.identity,
      leaseDurationSeconds: Math.ceil(this.durationMs / 1000),
      acquireTime: now,
      renewTime: now,
      leaseTransitions: transitions,
    };
  }

  /** True when this candidate holds the Lease after the attempt. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { name, namespace, identity } = this.options;
    let lease: V1Lease;
    try {
      lease = await this.api.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
      await this.api.createNamespacedLease({
        namespace,
        body: {
          apiVersion: "coordination.k8s.io/v1",
          kind: "Lease",
          metadata: { name, namespace },
          spec: this.freshSpec(0),
        },
      });
      return true;
    }
    const spec = lease.spec ?? {};
    if (spec.holderIdentity === identity) {
      lease.spec = { ...spec, renewTime: new V1MicroTime() };
    } else {
      const renewed = spec.renewTime ? new Date(spec.renewTime).getTime() : 0;
      const expired = !spec.holderIdentity || renewed + (spec.leaseDurationSeconds ?? 0) * 1000 < Date.now();
      if (!expired) return false;
      lease.spec = this.freshSpec((spec.leaseTransitions ?? 0) + 1);
    }
    await this.api.replaceNamespacedLease({ name, namespace, body: lease });
    return true;
  }
}
