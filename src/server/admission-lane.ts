import type { ClusterView } from "../cluster-view/cluster-view.js";
import { admissionSnapshot, admissionVersion, type AdmissionSnapshot } from "../cluster-view/mirror-view.js";
import { movableBytes, WorkerPool, type PoolOptions } from "../work/pool.js";
import type { AdmissionAnswer, Webhook } from "./admission-answer.js";

/**
 * The kinds answered in the worker when large: workloads, whose admission reads only the kinds the
 * worker's mirror holds (ADMISSION_KINDS). Others — custom resources, small in practice, and whose
 * validation may read Services — are answered on the event loop.
 */
export const LANE_KINDS: ReadonlySet<string> = new Set(["v1/Pod", "apps/v1/StatefulSet", "apps/v1/Deployment"]);

export interface AdmissionJob {
  webhook: Webhook;
  body: Uint8Array;
}

export interface AdmissionWorkerData {
  snapshot: AdmissionSnapshot;
  excludedNamespaces: string[];
  schedulerName: string | undefined;
}

export interface AdmissionLaneOptions {
  view: ClusterView;
  excludedNamespaces: ReadonlySet<string>;
  schedulerName: string | undefined;
  /** Bodies waiting for the worker; beyond, QueueFullError (answered 429). */
  queue: number;
  /** Heap of the worker, MiB: a body that needs more kills the worker, not the process. */
  heapMib: number;
  timeoutMs: number;
  observe?: PoolOptions["observe"];
}

/**
 * Large AdmissionReviews go to one worker thread, which keeps a copy of what admission reads
 * (mirror-view.ts), refreshed before a job whenever it changed. Small ones never come here: a
 * round trip to a worker costs more than answering them.
 */
export class AdmissionLane {
  private readonly pool: WorkerPool<AdmissionJob, AdmissionAnswer, AdmissionSnapshot>;
  private readonly version: { current(): string; stop(): void };
  private sent = "";

  constructor(private readonly opts: AdmissionLaneOptions) {
    this.version = admissionVersion(opts.view);
    this.pool = new WorkerPool({
      what: "admission of large objects",
      script: new URL(`./admission-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url),
      size: 1,
      queueLimit: opts.queue,
      workerData: () => this.workerData(),
      // A small young generation: the worker is niced and its garbage is short-lived parse trees.
      resourceLimits: { maxOldGenerationSizeMb: opts.heapMib, maxYoungGenerationSizeMb: 8 },
      timeoutMs: opts.timeoutMs,
      // Its heap, grown by a large object, goes back to the system with it.
      idleMs: 5_000,
      observe: opts.observe,
    });
  }

  private workerData(): AdmissionWorkerData {
    this.sent = this.version.current();
    return {
      snapshot: admissionSnapshot(this.opts.view),
      excludedNamespaces: [...this.opts.excludedNamespaces],
      schedulerName: this.opts.schedulerName,
    };
  }

  /** The answer from the worker; throws QueueFullError when it is taken and the queue is full. */
  answer(webhook: Webhook, body: Buffer): Promise<AdmissionAnswer> {
    const current = this.version.current();
    if (current !== this.sent) {
      this.sent = current;
      this.pool.broadcast(admissionSnapshot(this.opts.view));
    }
    const { bytes, transfer } = movableBytes(body);
    return this.pool.run({ webhook, body: bytes }, { transfer });
  }

  async close(): Promise<void> {
    this.version.stop();
    await this.pool.close();
  }
}
