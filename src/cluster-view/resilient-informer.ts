import {
  makeInformer,
  V1ListMeta,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from "@kubernetes/client-node";
import type { Logger } from "../logging.js";
import { statusCode } from "../kube/api-errors.js";

type T = KubernetesObject;

export interface ResilientInformerOptions {
  kubeconfig: KubeConfig;
  /** Watch path, e.g. `/apis/workload.matrixinfer.ai/v1alpha1/modelinfers`. */
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
  onUpsert: (obj: T) => void;
  onDelete: (obj: T) => void;
  log: Logger;
  labelSelector?: string | undefined;
  /** A kind whose CRD may be absent: a 404 on list counts as an empty, synced list. */
  optional?: boolean;
  /** A full relist this often, which also replaces a watch that went silent. */
  resyncMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * client-node's informer stops for good after a generic error: this one restarts it with
 * exponential backoff, and relists periodically in case the watch went quiet without an error.
 */
export class ResilientInformer {
  private listed = false;
  private stopped = false;
  private backoffMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private readonly informer;

  constructor(private readonly options: ResilientInformerOptions) {
    this.backoffMs = options.minBackoffMs ?? 1000;
    const list = async (): Promise<KubernetesListObject<T>> => {
      let result: KubernetesListObject<T>;
      try {
        result = await options.list();
      } catch (err) {
        if (!options.optional || statusCode(err) !== 404) throw err;
        // Not installed: empty and synced; the watch will 404 too and retry with growing backoff.
        this.listed = true;
        return { apiVersion: "v1", kind: "List", metadata: new V1ListMeta(), items: [] };
      }
      this.listed = true;
      this.backoffMs = options.minBackoffMs ?? 1000;
      return result;
    };
    this.informer = makeInformer<T>(options.kubeconfig, options.path, list, options.labelSelector);
    this.informer.on("add", options.onUpsert);
    this.informer.on("update", options.onUpsert);
    this.informer.on("delete", options.onDelete);
    this.informer.on("error", (err) => {
      this.restartLater(err);
    });
  }

  hasSynced(): boolean {
    return this.listed;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.informer.start();
    const resyncMs = this.options.resyncMs ?? 300_000;
    this.resyncTimer = setInterval(() => {
      void this.relist();
    }, resyncMs);
    this.resyncTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.resyncTimer);
    await this.informer.stop();
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    await this.informer.stop();
    await this.informer.start();
  }

  private restartLater(err: unknown): void {
    if (this.stopped) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 30_000);
    this.options.log.warn("informer failed; restarting", {
      path: this.options.path,
      delayMs: delay,
      error: String(err),
    });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.informer.start().catch((e: unknown) => {
        this.restartLater(e);
      });
    }, delay);
  }
}
