import type { ResourceLimits, Transferable, Worker } from "node:worker_threads";
import { startWorker } from "./start-worker.js";

export interface JobMessage<J> {
  id: number;
  job: J;
}

export type ReplyMessage<R> =
  | { id: number; ok: true; result: R }
  | { id: number; ok: false; error: { name: string; message: string; stack?: string } };

/** Every worker is busy and the queue is full: answer 429, with this many seconds to wait. */
export class QueueFullError extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    what: string,
  ) {
    super(`${what} is busy: every worker is taken and the queue is full; retry in ${retryAfterSeconds} s`);
  }
}

/** The job outlived its deadline; its worker was stopped. */
export class JobTimeoutError extends Error {}

/** The worker died under the job (out of its heap limit, or crashed). */
export class WorkerFailedError extends Error {}

/** The job threw in the worker; `name` is the thrown error's class name there. */
export class RemoteError extends Error {
  constructor(
    readonly remoteName: string,
    message: string,
    readonly remoteStack: string | undefined,
  ) {
    super(message);
  }
}

export interface PoolOptions {
  /** Used in messages: "the optimizer", "admission". */
  what: string;
  /** The worker module; it calls serveJobs (worker-side.ts). */
  script: URL;
  /** Workers at most; they start on demand. */
  size: number;
  /** Jobs that may wait for a worker; beyond, QueueFullError. */
  queueLimit: number;
  /** The workerData of each new worker (called when it starts, so it is current). */
  workerData?: () => unknown;
  /** V8 heap limits of each worker: a job that exceeds them kills its worker, not the process. */
  resourceLimits?: ResourceLimits;
  /** Per-job deadline, ms; the worker is stopped and replaced when a job outlives it. */
  timeoutMs: number;
  /** After a job, its worker is replaced when the process's resident memory is above this (WebAssembly memory never shrinks). */
  recycleAboveRssBytes?: number;
  /** An idle worker is stopped after this, ms. */
  idleMs?: number;
  /** Told the jobs running and waiting whenever they change (for a gauge). */
  observe?: (load: { running: number; queued: number }) => void;
}

interface Pending<J, R> {
  id: number;
  job: J;
  transfer: readonly Transferable[];
  timeoutMs: number;
  resolve: (result: R) => void;
  reject: (err: Error) => void;
}

interface Slot<J, R> {
  worker: Worker;
  running?: { pending: Pending<J, R>; timer: NodeJS.Timeout; started: number };
  idleTimer?: NodeJS.Timeout;
  dead: boolean;
}

export interface RunOptions {
  transfer?: readonly Transferable[];
  /** Goes first, and may exceed the queue limit by itself (the control loop, one job at a time). */
  priority?: boolean;
  timeoutMs?: number;
}

/**
 * A fixed number of worker threads with one bounded queue: the CPU-heavy work of a replica
 * (solves, large admission requests) runs here, never on the event loop that answers admission,
 * and never more of it than `size` at once.
 */
export class WorkerPool<J, R, B = never> {
  private readonly slots: Slot<J, R>[] = [];
  private readonly queue: Pending<J, R>[] = [];
  private nextId = 1;
  private averageMs = 1000;
  private closed = false;

  constructor(private readonly opts: PoolOptions) {}

  get busy(): number {
    return this.slots.filter((s) => s.running).length;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Rejects with QueueFullError at once when nothing can take or hold the job. */
  run(job: J, options: RunOptions = {}): Promise<R> {
    if (this.closed) return Promise.reject(new Error(`${this.opts.what} is shutting down`));
    const idle = this.idleSlot();
    const full = this.queue.length >= this.opts.queueLimit && !idle && this.slots.length >= this.opts.size;
    if (full && !options.priority) return Promise.reject(new QueueFullError(this.retryAfterSeconds(), this.opts.what));
    return new Promise<R>((resolve, reject) => {
      const pending: Pending<J, R> = {
        id: this.nextId++,
        job,
        transfer: options.transfer ?? [],
        timeoutMs: options.timeoutMs ?? this.opts.timeoutMs,
        resolve,
        reject,
      };
      if (options.priority) this.queue.unshift(pending);
      else this.queue.push(pending);
      this.dispatch();
      this.report();
    });
  }

  /** Sends a message to every worker now running (new workers get `workerData` instead). */
  broadcast(message: B): void {
    for (const slot of this.slots) if (!slot.dead) slot.worker.postMessage({ broadcast: message });
  }

  /** Seconds a caller turned away should wait: the queue ahead of it at the recent job duration. */
  retryAfterSeconds(): number {
    const ahead = this.queue.length + this.busy;
    return Math.max(1, Math.ceil((this.averageMs * Math.max(ahead, 1)) / this.opts.size / 1000));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error(`${this.opts.what} is shutting down`));
    await Promise.all(this.slots.splice(0).map((slot) => this.stopSlot(slot, "shutting down")));
  }

  private report(): void {
    this.opts.observe?.({ running: this.busy, queued: this.queue.length });
  }

  private idleSlot(): Slot<J, R> | undefined {
    return this.slots.find((s) => !s.running && !s.dead);
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.idleSlot() ?? (this.slots.length < this.opts.size ? this.startSlot() : undefined);
      if (!slot) return;
      const pending = this.queue.shift();
      if (pending) this.send(slot, pending);
    }
  }

  private startSlot(): Slot<J, R> {
    const worker = startWorker(this.opts.script, this.opts.workerData?.(), this.opts.resourceLimits);
    const slot: Slot<J, R> = { worker, dead: false };
    worker.on("message", (reply: ReplyMessage<R>) => {
      this.finish(slot, reply);
    });
    worker.on("error", (err) => {
      this.fail(slot, new WorkerFailedError(`${this.opts.what} worker failed: ${err.message}`));
    });
    worker.on("exit", (code) => {
      this.fail(slot, new WorkerFailedError(`${this.opts.what} worker exited with code ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }

  private send(slot: Slot<J, R>, pending: Pending<J, R>): void {
    clearTimeout(slot.idleTimer);
    slot.worker.ref();
    const timer = setTimeout(() => {
      this.fail(slot, new JobTimeoutError(`${this.opts.what} job did not finish within ${pending.timeoutMs} ms`));
    }, pending.timeoutMs);
    slot.running = { pending, timer, started: performance.now() };
    slot.worker.postMessage({ id: pending.id, job: pending.job } satisfies JobMessage<J>, [...pending.transfer]);
  }

  private finish(slot: Slot<J, R>, reply: ReplyMessage<R>): void {
    const running = slot.running;
    if (running?.pending.id !== reply.id) return;
    clearTimeout(running.timer);
    slot.running = undefined;
    this.averageMs = 0.8 * this.averageMs + 0.2 * (performance.now() - running.started);
    if (reply.ok) running.pending.resolve(reply.result);
    else running.pending.reject(new RemoteError(reply.error.name, reply.error.message, reply.error.stack));
    const limit = this.opts.recycleAboveRssBytes;
    if (limit !== undefined && process.memoryUsage.rss() > limit) void this.retire(slot, "memory");
    else this.idle(slot);
    this.dispatch();
    this.report();
  }

  private idle(slot: Slot<J, R>): void {
    slot.worker.unref();
    if (this.opts.idleMs === undefined) return;
    slot.idleTimer = setTimeout(() => void this.retire(slot, "idle"), this.opts.idleMs);
    slot.idleTimer.unref();
  }

  /** A dead or stuck worker: its job fails, it is removed, and the queue moves on to a new one. */
  private fail(slot: Slot<J, R>, err: Error): void {
    if (slot.dead) return;
    const running = slot.running;
    slot.running = undefined;
    if (running) {
      clearTimeout(running.timer);
      running.pending.reject(err);
    }
    void this.retire(slot, err.message);
    this.dispatch();
    this.report();
  }

  private async retire(slot: Slot<J, R>, reason: string): Promise<void> {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    await this.stopSlot(slot, reason);
  }

  private async stopSlot(slot: Slot<J, R>, reason: string): Promise<void> {
    if (slot.dead) return;
    slot.dead = true;
    clearTimeout(slot.idleTimer);
    if (slot.running) {
      clearTimeout(slot.running.timer);
      slot.running.pending.reject(new Error(`${this.opts.what} worker stopped: ${reason}`));
      slot.running = undefined;
    }
    await slot.worker.terminate();
  }
}

/**
 * The bytes of a Buffer for a job, moved rather than copied when the Buffer owns its whole
 * ArrayBuffer (large ones do); a slice of Node's shared pool is copied, never moved.
 */
export function movableBytes(buffer: Buffer): { bytes: Uint8Array; transfer: Transferable[] } {
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const owned =
    buffer.buffer instanceof ArrayBuffer && buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength;
  return owned ? { bytes, transfer: [buffer.buffer] } : { bytes: Uint8Array.from(bytes), transfer: [] };
}
