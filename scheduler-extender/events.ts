import type { HyperNode } from "../src/volcano/hypernode.js";
import type { Topology } from "../src/volcano/topology.js";
import type { Notice } from "./gang.js";

/** Where the extender's Warning Events go: fire and forget, each notice once per object version. */
export interface EventRecorder {
  warn(notice: Notice): void;
}

/** Reasons of the extender's Warning Events. */
export const HYPERNODE_PROBLEM = "HyperNodeNotHonoured";

/** A Warning for each HyperNode with a problem (a field refused, a selector that failed, a node claimed twice). */
export function hyperNodeNotices(topology: Topology, hyperNodes: readonly HyperNode[]): Notice[] {
  return hyperNodes.flatMap((hn) =>
    (topology.problemsOf.get(hn.metadata.name) ?? []).map((message) => ({
      object: {
        apiVersion: hn.apiVersion,
        kind: hn.kind,
        name: hn.metadata.name,
        uid: hn.metadata.uid,
        resourceVersion: hn.metadata.resourceVersion,
      },
      reason: HYPERNODE_PROBLEM,
      message,
    })),
  );
}

/**
 * Passes each notice on once per object version and message, so the 16 filter calls of one gang
 * make one Event; remembers the last `capacity` it passed.
 */
export class OncePerVersion implements EventRecorder {
  private readonly seen = new Set<string>();

  constructor(
    private readonly next: EventRecorder,
    private readonly capacity = 10_000,
  ) {}

  warn(notice: Notice): void {
    const o = notice.object;
    const key = `${o.uid ?? `${o.kind}/${o.namespace ?? ""}/${o.name}`}/${o.resourceVersion ?? ""}/${notice.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value ?? "");
    this.next.warn(notice);
  }
}
