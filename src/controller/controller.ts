import type { KubeObject } from "../cluster-view/object-store.js";
import type { ClusterStores } from "../cluster-view/stores.js";
import type { Logger } from "../logging.js";
import { MODELINFER_KIND, isModelInfer, type ModelInfer } from "../modelinfer/types.js";
import { planActions, type Actions, type OwnedState } from "./plan.js";
import { modelInferStatus, type ModelInferStatus } from "./status.js";
import type { ClusterWriter } from "./writer.js";

export interface ControllerOptions {
  stores: ClusterStores;
  writer: ClusterWriter;
  log: Logger;
  now?: () => Date;
  minRetryMs?: number;
  maxRetryMs?: number;
}

/** The ModelInfer that controls an object, as `namespace/name`. */
function ownerKey(obj: KubeObject): string | undefined {
  if (isModelInfer(obj)) return `${obj.metadata.namespace ?? ""}/${obj.metadata.name ?? ""}`;
  const owners = (
    obj.metadata as { ownerReferences?: Array<{ kind: string; name: string; controller?: boolean }> } | undefined
  )?.ownerReferences;
  const owner = owners?.find((o) => o.controller && o.kind === MODELINFER_KIND);
  return owner ? `${obj.metadata?.namespace ?? ""}/${owner.name}` : undefined;
}

function describe(obj: KubeObject): string {
  return `${obj.kind ?? ""} ${obj.metadata?.name ?? ""}`;
}

/** Status without transition times, to tell whether a write would change anything. */
function comparable(status: unknown): string {
  const s = (status ?? {}) as { conditions?: Array<Record<string, unknown>> };
  return JSON.stringify({
    ...s,
    conditions: (s.conditions ?? []).map((c) => ({ ...c, lastTransitionTime: undefined })),
  });
}

/**
 * Reconciles ModelInfers: a work queue keyed by ModelInfer, fed by every change of the
 * ModelInfer or of an object it controls; each key is handled one at a time, and a failed
 * reconcile is retried with exponential backoff (never in a hot loop).
 */
export class ModelInferController {
  private readonly queue = new Set<string>();
  private readonly failures = new Map<string, number>();
  private unsubscribe: (() => void) | undefined;
  private wake: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: ControllerOptions) {}

  start(): void {
    this.stopped = false;
    this.unsubscribe = this.options.stores.subscribe((obj) => {
      const key = ownerKey(obj);
      if (key) this.enqueue(key);
    });
    for (const mi of this.options.stores.listModelInfers())
      this.enqueue(`${mi.metadata.namespace ?? ""}/${mi.metadata.name ?? ""}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.wake);
    await this.draining;
  }

  /** Resolves once the queue is empty (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.draining || this.queue.size > 0) await (this.draining ?? new Promise((r) => setTimeout(r, 5)));
  }

  enqueue(key: string, delayMs = 0): void {
    if (this.stopped) return;
    if (delayMs > 0) {
      setTimeout(() => {
        this.enqueue(key);
      }, delayMs).unref();
      return;
    }
    this.queue.add(key);
    clearTimeout(this.wake);
    this.wake = setTimeout(() => {
      this.drain();
    }, 0);
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = (async () => {
      while (this.queue.size > 0 && !this.stopped) {
        const key = this.queue.values().next().value as string;
        this.queue.delete(key);
        await this.reconcileWithRetry(key);
      }
    })().finally(() => {
      this.draining = undefined;
    });
  }

  private async reconcileWithRetry(key: string): Promise<void> {
    try {
      await this.reconcile(key);
      this.failures.delete(key);
    } catch (err) {
      const attempt = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, attempt);
      const delay = Math.min((this.options.minRetryMs ?? 200) * 2 ** (attempt - 1), this.options.maxRetryMs ?? 60_000);
      this.options.log.warn("reconcile failed; retrying", {
        modelInfer: key,
        attempt,
        delayMs: delay,
        error: String(err),
      });
      this.enqueue(key, delay);
    }
  }

  private async apply(mi: ModelInfer, actions: Actions): Promise<void> {
    for (const obj of actions.create) {
      await this.options.writer.create(obj);
      await this.record(mi, "Normal", "Created", `created ${describe(obj)}`);
    }
    const policy = mi.spec.recoveryPolicy ?? "RoleRecreate";
    for (const obj of actions.delete) {
      await this.options.writer.delete(obj);
      if (actions.recovered.has(obj.metadata?.name ?? ""))
        await this.record(
          mi,
          "Warning",
          "Recovering",
          `rebuilding (recoveryPolicy ${policy}): deleted ${describe(obj)}`,
        );
      else await this.record(mi, "Normal", "Deleted", `deleted ${describe(obj)}`);
    }
  }

  /** Logs and records an Event; a failed Event never fails the reconcile. */
  private async record(mi: ModelInfer, type: "Normal" | "Warning", reason: string, message: string): Promise<void> {
    this.options.log.info(message, { modelInfer: `${mi.metadata.namespace ?? ""}/${mi.metadata.name ?? ""}`, reason });
    try {
      await this.options.writer.event(mi, type, reason, message);
    } catch (err) {
      this.options.log.warn("could not record an event", { reason, error: String(err) });
    }
  }

  /** One pass: create what is missing, delete what is beyond the spec, then write the status if it changed. */
  async reconcile(key: string): Promise<void> {
    const [namespace = "", name = ""] = key.split("/");
    const mi = this.options.stores.getModelInfer(namespace, name);
    if (!mi) return;
    const owned: OwnedState = this.options.stores.ownedBy(mi.metadata.uid ?? "");
    const now = this.options.now?.() ?? new Date();
    const actions = planActions(mi, owned, now);
    await this.apply(mi, actions);
    const status: ModelInferStatus = modelInferStatus(mi, owned.pods, now.toISOString());
    if (comparable(status) !== comparable(mi.status)) await this.options.writer.writeStatus(mi, status);
    if (actions.recheckAfterMs !== undefined) this.enqueue(key, actions.recheckAfterMs + 10);
  }
}
