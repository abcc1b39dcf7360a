export interface WorkQueueOptions {
  /** Keys handled at once; one key is never handled twice at the same time. Default 8. */
  workers?: number;
  /** First retry delay after a failure, doubled per consecutive failure up to `maxRetryMs`. Default 200 ms. */
  minRetryMs?: number;
  /** Default 60 s. */
  maxRetryMs?: number;
  /** Called after each failure with the key, the attempt (1-based) and the retry delay in ms. */
  onFailure?: (key: string, error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * A keyed work queue in the manner of client-go's workqueue: a key added several times before it
 * runs runs once; a key added while it runs runs again after; a failed key is retried with
 * per-key exponential backoff (never in a hot loop); `workers` keys run concurrently.
 */
export class WorkQueue {
  private readonly queue = new Set<string>();
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly idleWaiters: (() => void)[] = [];
  private active = 0;
  private stopped = true;

  constructor(
    private readonly handle: (key: string) => Promise<void>,
    private readonly options: WorkQueueOptions = {},
  ) {}

  start(): void {
    this.stopped = false;
    this.pump();
  }

  /** Stops taking keys; resolves when the keys running now are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.idle();
  }

  add(key: string, delayMs = 0): void {
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.add(key);
      }, delayMs);
      timer.unref();
      this.timers.add(timer);
      return;
    }
    if (this.running.has(key)) this.dirty.add(key);
    else this.queue.add(key);
    this.pump();
  }

  /** Resolves when nothing is queued or running (delayed retries not counted). */
  idle(): Promise<void> {
    if (this.active === 0 && (this.queue.size === 0 || this.stopped)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get length(): number {
    return this.queue.size;
  }

  private pump(): void {
    const workers = this.options.workers ?? 8;
    while (!this.stopped && this.active < workers && this.queue.size > 0) {
      const key = this.queue.values().next().value as string;
      this.queue.delete(key);
      this.running.add(key);
      this.active++;
      void this.run(key);
    }
    if (this.active === 0 && (this.queue.size === 0 || this.stopped)) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async run(key: string): Promise<void> {
    try {
      await this.handle(key);
      this.failures.delete(key);
    } catch (err) {
      const attempt = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, attempt);
      const delay = Math.min((this.options.minRetryMs ?? 200) * 2 ** (attempt - 1), this.options.maxRetryMs ?? 60_000);
      this.options.onFailure?.(key, err, attempt, delay);
      if (!this.stopped) this.add(key, delay);
    } finally {
      this.running.delete(key);
      this.active--;
      if (this.dirty.delete(key)) this.queue.add(key);
      this.pump();
    }
  }
}
