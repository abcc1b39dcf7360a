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

/** What a reconciler wants for one primary object, computed purely from it, the view and the time. */
export interface DesiredState {
  /** Every child as it should exist, each with the primary's controller owner reference. */
  children: KubeObject[];
  recreate?: Recreation[];
  /** Pass again after this many milliseconds (a grace period is running). */
  recheckAfterMs?: number;
  /** Events about decisions the reconciler made (a referenced object is missing…). */
  events?: EventNote[];
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
  /** The primaries (`namespace/name`) another object's change concerns, e.g. those naming a TokenCache. */
  mapToPrimaries?(obj: KubeObject, view: ClusterReader): string[];
  desired(primary: P, view: ClusterReader, now: Date): DesiredState;
  /** The status subresource as it should be; undefined leaves it alone. */
  status(primary: P, view: ClusterReader, now: Date): S | undefined;
}

/** A reconciler of any kind, as registries hold them (its methods take its own kind: TypeScript checks them bivariantly). */
export type AnyReconciler = Reconciler<KubeObject>;
