import type { ClusterReader } from "../../cluster-view/cluster-view.js";
import type { KindRef } from "../../kube/kind.js";
import type { KubeObject } from "../../kube/object.js";

/** An Event a reconciler asks for, recorded on its primary object. */
export interface EventNote {
  type: "Normal" | "Warning";
  /** UpperCamelCase, as Kubernetes' own reasons (`Created`, `Recovering`). */
  reason: string;
  message: string;
}

/** A child deleted although it is desired: it is rebuilt by the next pass (recovery, rolling update). */
export interface Recreation {
  object: KubeObject;
  /** The Event reason recorded for it (`Recovering`, `RollingUpdate`). */
  reason: string;
  type: "Normal" | "Warning";
  /** The Event message before the object names; default "deleted to rebuild". */
  message?: string;
}

/**
 * Labels the controller sets on an object it neither owns nor creates (a Node): merged in with a
 * JSON merge patch, which never creates the object; `null` removes a label.
 */
export interface LabelPatch {
  kind: KindRef;
  /** Omitted for cluster-scoped kinds. */
  namespace?: string;
  name: string;
  labels: Record<string, string | null>;
}

/**
 * An object a primary names that the cluster view does not serve (a Secret, a CRD): the runtime
 * reads it (GET) before each pass, so no Secret is ever listed or watched.
 */
export interface Reference {
  kind: KindRef;
  /** Ignored for cluster-scoped kinds. */
  namespace: string;
  name: string;
}

/** `Kind namespace/name`: a reference's key in a Lookups map. */
export function referenceKey(ref: Reference): string {
  return `${ref.kind.kind} ${ref.kind.namespaced ? ref.namespace : ""}/${ref.name}`;
}

/**
 * What the runtime found for a primary's references: true (exists), false (404). A reference
 * that could not be read, or a pass without a cluster (`render`), has no entry: unknown.
 */
export type Lookups = ReadonlyMap<string, boolean>;

/** What a reconciler wants for one primary object, computed purely from it, the view and the time. */
export interface DesiredState {
  /**
   * Every child as it should exist. A child with the primary's controller owner reference is
   * owned: deleted when no longer desired (and by Kubernetes' garbage collector with the
   * primary). A child without one is shared (one ConfigMap several primaries write whole, each
   * the same): applied when it is missing or differs from what the view shows, never deleted by
   * the runtime; its kind must be one the view serves (SERVED_KINDS).
   */
  children: KubeObject[];
  recreate?: Recreation[];
  /** Pass again after this many milliseconds (a grace period is running). */
  recheckAfterMs?: number;
  /** Events about decisions the reconciler made (a referenced object is missing…). */
  events?: EventNote[];
  /** Labels on objects the primary does not own, applied when the view shows them different. */
  labels?: LabelPatch[];
  /**
   * Leave every existing child as it is this pass — neither apply nor delete — and say why (a
   * dependency is missing): a half-applied set of children is worse than the last good one.
   */
  hold?: string;
}

/**
 * One controller: a primary kind, the kinds it owns, and two pure functions. The runtime
 * (controller.ts) does everything else: it queues primaries when they or their children change,
 * applies the desired children server-side, deletes owned children no longer desired, records
 * Events, and writes the status when it changed. `inferplane render` prints `desired().children`.
 */
export interface Reconciler<P extends KubeObject, S = unknown> {
  /** Short name: logs, metrics and the Event source (`inferplane-<name>`). */
  readonly name: string;
  readonly kind: KindRef<P>;
  /** The kinds of its children; the cluster view must serve them (SERVED_KINDS). */
  readonly owns: readonly KindRef[];
  /** Children the API never changes in place (Pods): created once, never re-applied. */
  readonly immutable?: readonly KindRef[];
  /**
   * The primaries (`namespace/name`) another object's change concerns, e.g. those naming a
   * TokenCache. Also asked about a change of a primary itself (queued anyway), for the other
   * primaries that depend on it: GPUPools share ConfigMaps and detect each other's nodes.
   */
  mapToPrimaries?(obj: KubeObject, view: ClusterReader): string[];
  /**
   * Condition types another writer owns in this kind's status (the optimizer loop's `Sized`): the
   * runtime copies them forward from the live status into the one status() computes, so its status
   * write (a whole-status replace, 409 on a stale resourceVersion) never erases them.
   */
  readonly keepsConditions?: readonly string[];
  /** Objects outside the view whose existence desired() and status() need (read before each pass). */
  references?(primary: P): Reference[];
  desired(primary: P, view: ClusterReader, now: Date, lookups?: Lookups): DesiredState;
  /** The status subresource as it should be; undefined leaves it alone. */
  status(primary: P, view: ClusterReader, now: Date, lookups?: Lookups): S | undefined;
}

/** A reconciler of any kind, as registries hold them (its methods take its own kind: TypeScript checks them bivariantly). */
export type AnyReconciler = Reconciler<KubeObject>;
