import type { ClusterView } from "../../cluster-view/cluster-view.js";
import { apiVersionOf, isKind } from "../../kube/kind.js";
import type { KubeObject } from "../../kube/object.js";
import type { Logger } from "../../logging.js";
import { servedKindOf } from "../../cluster-view/served-kinds.js";
import { childKey, controlledBy, labelsHold, planChildren, planShared, stamped } from "./child-plan.js";
import type { ControllerClient } from "./client.js";
import { comparableStatus, keepConditions } from "./conditions.js";
import { summaryEvent } from "./events.js";
import { Expectations } from "./expectations.js";
import { invalidChildren } from "./child-values.js";
import {
  referenceKey,
  type DesiredState,
  type EventNote,
  type LabelPatch,
  type Lookups,
  type Reconciler,
  type Recreation,
} from "./reconciler.js";
import { WorkQueue } from "./work-queue.js";

/** Reconcile counts and durations, as the runtime reports them. */
export interface ReconcileObserver {
  observe(controller: string, result: "success" | "error", seconds: number): void;
}

export interface ControllerOptions {
  view: ClusterView;
  client: ControllerClient;
  log: Logger;
  now?: () => Date;
  workers?: number;
  /** Writes at once within one reconcile (children applied or deleted in parallel). Default 16. */
  writeConcurrency?: number;
  minRetryMs?: number;
  maxRetryMs?: number;
  observer?: ReconcileObserver;
}

function keyOf(obj: KubeObject): string {
  return `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;
}

/** One Event per reason (and message) for the children deleted to be rebuilt. */
function recreationEvents(recreate: readonly Recreation[]): (EventNote | undefined)[] {
  const groups = new Map<string, Recreation[]>();
  for (const r of recreate) {
    const key = `${r.type}\n${r.reason}\n${r.message ?? ""}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((rs) =>
    summaryEvent(
      rs[0]?.type ?? "Normal",
      rs[0]?.reason ?? "",
      rs[0]?.message ?? "deleted to rebuild",
      rs.map((r) => r.object),
    ),
  );
}

/** Runs `fn` over `items`, at most `limit` at once; the first failure rejects after the others settle. */
async function inBatches<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += limit) {
    const results = await Promise.allSettled(items.slice(i, i + limit).map(fn));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }
}

/**
 * The one reconcile runtime: a keyed work queue of primaries, fed by every change of a primary,
 * of an object it controls, or of an object `mapToPrimaries` relates to it; each pass applies the
 * desired children server-side (only those missing or changed), deletes owned children no longer
 * desired and those to recreate, records Events, and writes the status only when it changed.
 */
export class Controller<P extends KubeObject, S> {
  private readonly queue: WorkQueue;
  private readonly expectations = new Expectations();
  private unsubscribe: (() => void) | undefined;

  constructor(
    readonly reconciler: Reconciler<P, S>,
    private readonly options: ControllerOptions,
  ) {
    const workQueueOptions = {
      workers: options.workers ?? 8,
      onFailure: (key: string, error: unknown, attempt: number, delayMs: number) => {
        options.log.warn("reconcile failed; retrying", {
          controller: reconciler.name,
          object: key,
          attempt,
          delayMs,
          error: String(error),
        });
      },
      ...(options.minRetryMs === undefined ? {} : { minRetryMs: options.minRetryMs }),
      ...(options.maxRetryMs === undefined ? {} : { maxRetryMs: options.maxRetryMs }),
    };
    this.queue = new WorkQueue((key) => this.timed(key), workQueueOptions);
  }

  start(): void {
    const { view } = this.options;
    this.unsubscribe = view.subscribe((obj) => {
      for (const key of this.primariesOf(obj)) this.queue.add(key);
    });
    for (const primary of view.list(this.reconciler.kind)) this.queue.add(keyOf(primary));
    this.queue.start();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.queue.stop();
  }

  /** Resolves once nothing is queued or running. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  enqueue(key: string, delayMs = 0): void {
    this.queue.add(key, delayMs);
  }

  /** The primaries an object's change concerns. */
  private primariesOf(obj: KubeObject): string[] {
    const { kind } = this.reconciler;
    if (isKind(obj, kind)) return [keyOf(obj), ...(this.reconciler.mapToPrimaries?.(obj, this.options.view) ?? [])];
    const owner = obj.metadata?.ownerReferences?.find(
      (r) => r.controller && r.kind === kind.kind && r.apiVersion === apiVersionOf(kind),
    );
    if (owner) return [`${kind.namespaced ? (obj.metadata?.namespace ?? "") : ""}/${owner.name}`];
    return this.reconciler.mapToPrimaries?.(obj, this.options.view) ?? [];
  }

  private async timed(key: string): Promise<void> {
    const started = performance.now();
    try {
      await this.reconcile(key);
      this.options.observer?.observe(this.reconciler.name, "success", (performance.now() - started) / 1000);
    } catch (err) {
      this.options.observer?.observe(this.reconciler.name, "error", (performance.now() - started) / 1000);
      throw err;
    }
  }

  /** One pass over one primary (`namespace/name`). */
  async reconcile(key: string): Promise<void> {
    const [namespace = "", name = ""] = key.split("/");
    const primary = this.options.view.get(this.reconciler.kind, namespace, name);
    if (!primary || primary.metadata?.deletionTimestamp) {
      this.expectations.forget(key);
      return;
    }
    const now = this.options.now?.() ?? new Date();
    const lookups = await this.lookUp(primary);
    const desired = this.reconciler.desired(primary, this.options.view, now, lookups);
    await this.apply(key, primary, desired, now);
    await this.writeStatus(primary, now, lookups);
    if (desired.recheckAfterMs !== undefined) this.queue.add(key, desired.recheckAfterMs + 10);
  }

  /** Writes the children, unless desired() holds them or one of them would be refused (then none, and an Event says why). */
  private async apply(key: string, primary: P, desired: DesiredState, now: Date): Promise<void> {
    const invalid = desired.hold === undefined ? invalidChildren(desired) : undefined;
    if (desired.hold === undefined && !invalid) await this.writeChildren(key, primary, desired, now);
    else await this.record(primary, [...(desired.events ?? []), invalid]);
  }

  /** Reads the primary's references; one that cannot be read (other than 404) stays unknown. */
  private async lookUp(primary: P): Promise<Lookups> {
    const refs = this.reconciler.references?.(primary) ?? [];
    const found = new Map<string, boolean>();
    await Promise.all(
      refs.map(async (ref) => {
        try {
          found.set(referenceKey(ref), await this.options.client.exists(ref.kind, ref.namespace, ref.name));
        } catch (err) {
          this.options.log.warn("could not read a reference", { reference: referenceKey(ref), error: String(err) });
        }
      }),
    );
    return found;
  }

  /** Applies what is missing or changed, deletes what is no longer desired or is to be rebuilt, records Events. */
  private async writeChildren(key: string, primary: P, desired: DesiredState, now: Date): Promise<void> {
    const { view, client } = this.options;
    const uid = primary.metadata?.uid ?? "";
    const observed = view.ownedBy(uid);
    const { owned, deleting } = this.expectations.pending(key, observed, now.getTime());
    const stampedChildren = desired.children.map(stamped);
    const children = stampedChildren.filter((c) => controlledBy(c, uid));
    const shared = planShared(
      stampedChildren.filter((c) => !controlledBy(c, uid)),
      (obj) => this.live(obj),
    );
    const plan = planChildren(children, owned, this.reconciler.owns, this.reconciler.immutable, deleting);
    const deleted = new Set([...plan.delete.map(childKey), ...deleting]);
    const recreate = (desired.recreate ?? []).filter((r) => !deleted.has(childKey(r.object)));
    const limit = this.options.writeConcurrency ?? 16;
    const applies = [...plan.create, ...plan.update];
    await inBatches([...applies, ...shared.create, ...shared.update], limit, (obj) => client.apply(obj));
    this.expectations.expectApplied(key, applies, now.getTime());
    const deletions = [...plan.delete, ...recreate.map((r) => r.object)];
    await inBatches(deletions, limit, (obj) => client.delete(obj));
    this.expectations.expectDeleted(key, deletions, now.getTime());
    const labelled = await this.writeLabels(desired.labels ?? [], limit);
    await this.record(primary, [
      ...(desired.events ?? []),
      summaryEvent("Normal", "Created", "created", [...plan.create, ...shared.create]),
      summaryEvent("Normal", "Updated", "updated", [...plan.update, ...shared.update]),
      summaryEvent("Normal", "Deleted", "deleted", plan.delete),
      summaryEvent("Normal", "Labelled", "labelled", labelled),
      ...recreationEvents(recreate),
    ]);
  }

  /** A shared child as the view shows it (undefined: missing, or of a kind the view does not serve). */
  private live(obj: KubeObject): KubeObject | undefined {
    const kind = servedKindOf(obj);
    return kind && this.options.view.get(kind, obj.metadata?.namespace ?? "", obj.metadata?.name ?? "");
  }

  /** Patches the labels the view shows different, on objects it shows (a patch never creates); returns those patched. */
  private async writeLabels(patches: readonly LabelPatch[], limit: number): Promise<KubeObject[]> {
    const { view, client } = this.options;
    const due = patches.flatMap((p) => {
      const obj = view.get(p.kind, p.namespace ?? "", p.name);
      return obj && !labelsHold(obj, p.labels) ? [{ patch: p, obj }] : [];
    });
    await inBatches(due, limit, ({ patch }) => client.patchLabels(patch));
    return due.map((d) => d.obj);
  }

  private async writeStatus(primary: P, now: Date, lookups: Lookups): Promise<void> {
    const current = (primary as { status?: unknown }).status;
    const computed = this.reconciler.status(primary, this.options.view, now, lookups);
    const status = keepConditions(computed, current, this.reconciler.keepsConditions ?? []);
    if (status !== undefined && comparableStatus(status) !== comparableStatus(current))
      await this.options.client.writeStatus(this.reconciler.kind, primary, status);
  }

  /** Logs and records Events; a failed Event never fails the pass. */
  private async record(primary: P, notes: readonly (EventNote | undefined)[]): Promise<void> {
    for (const note of notes) {
      if (!note) continue;
      this.options.log.info(note.message, {
        controller: this.reconciler.name,
        object: keyOf(primary),
        reason: note.reason,
      });
      try {
        await this.options.client.event(primary, note, `inferplane-${this.reconciler.name}`);
      } catch (err) {
        this.options.log.warn("could not record an event", { reason: note.reason, error: String(err) });
      }
    }
  }
}
