// The worker's half of the pool's protocol: jobs in, one reply per job out, and broadcast
// messages (state every worker keeps, such as a copy of the cluster view) in between.
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import type { JobMessage, ReplyMessage } from "./pool.js";

/**
 * Lowers this thread's CPU priority (nice 10, Linux): when the cores are busy, the main thread
 * that answers admission runs first. `/proc/thread-self` names this thread's own id; elsewhere
 * this does nothing.
 */
export function lowerThreadPriority(): void {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // Not Linux, or /proc not mounted: the thread keeps the process's priority.
  }
}

export interface WorkerHandlers<J, R, B> {
  job: (job: J) => Promise<R> | R;
  broadcast?: (message: B) => void;
}

/** Serves the pool's jobs in this worker, one at a time (the pool never sends two at once). */
export function serveJobs<J, R, B = never>(handlers: WorkerHandlers<J, R, B>): void {
  const port = parentPort;
  if (!port) throw new Error("serveJobs runs in a worker thread");
  port.on("message", (message: JobMessage<J> | { broadcast: B }) => {
    if ("broadcast" in message) {
      handlers.broadcast?.(message.broadcast);
      return;
    }
    Promise.resolve()
      .then(() => handlers.job(message.job))
      .then(
        (result) => {
          port.postMessage({ id: message.id, ok: true, result } satisfies ReplyMessage<R>);
        },
        (err: unknown) => {
          const error = err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : undefined;
          port.postMessage({
            id: message.id,
            ok: false,
            error: error ?? { name: "Error", message: String(err) },
          } satisfies ReplyMessage<R>);
        },
      );
  });
}
