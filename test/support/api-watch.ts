// Watches of the API double: every change kept as text for replay from a resourceVersion (410 Gone
// when too old), filtered per watch by namespace and label selector as the apiserver filters them.
import type { ServerResponse } from "node:http";
import { labelMatcher, labelsOf, type Labels, type StoredObject, type Target } from "./api-http.js";

/** One change, kept as text (a watch replays thousands of them) with what watches filter on. */
export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  /** The object, serialized. */
  json: string;
  rv: number;
  resource: string;
  namespace: string | undefined;
  labels: Labels;
  /** The labels before the change, to tell a selector-filtered watch that an object left or entered it. */
  labelsBefore: Labels | undefined;
}

interface Watcher {
  target: Target;
  selects: (labels: Labels) => boolean;
  res: ServerResponse;
}

const HISTORY_LIMIT = 10_000;

export class WatchHub {
  private readonly history: WatchEvent[] = [];
  private readonly watchers = new Set<Watcher>();

  /** Records a change of `obj` (`before` is its previous state) and sends it to the open watches. */
  record(
    type: WatchEvent["type"],
    resource: string,
    obj: StoredObject,
    before: StoredObject | undefined,
    rv: number,
  ): void {
    const event: WatchEvent = {
      type,
      json: JSON.stringify(obj),
      rv,
      resource,
      namespace: obj.metadata.namespace,
      labels: labelsOf(obj),
      labelsBefore: before ? labelsOf(before) : undefined,
    };
    this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) this.history.shift();
    for (const w of this.watchers) this.send(w, event);
  }

  /** Ends every open watch, as an apiserver restart or a load balancer timeout would. */
  closeAll(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  /**
   * The event as a watch sees it: as the apiserver does for a label-selector-filtered watch, an
   * object that starts matching is ADDED and one that stops matching is DELETED.
   */
  private seenAs(w: Watcher, event: WatchEvent): WatchEvent["type"] | undefined {
    if (event.resource !== w.target.resource) return undefined;
    if (w.target.namespace !== undefined && event.namespace !== w.target.namespace) return undefined;
    const now = event.type !== "DELETED" && w.selects(event.labels);
    const before = event.labelsBefore !== undefined && w.selects(event.labelsBefore);
    if (event.type === "DELETED") return before ? "DELETED" : undefined;
    if (now && (before || event.type === "ADDED")) return event.type;
    if (now) return "ADDED";
    return before ? "DELETED" : undefined;
  }

  private send(w: Watcher, event: WatchEvent): void {
    const type = this.seenAs(w, event);
    if (type) w.res.write(`{"type":"${type}","object":${event.json}}\n`);
  }

  watch(target: Target, url: URL, res: ServerResponse, currentRv: number): void {
    const since = Number(url.searchParams.get("resourceVersion") ?? currentRv);
    res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
    res.flushHeaders();
    const oldest = this.history[0]?.rv ?? currentRv + 1;
    if (since + 1 < oldest && since < currentRv) {
      res.end(
        `${JSON.stringify({ type: "ERROR", object: { kind: "Status", apiVersion: "v1", status: "Failure", reason: "Expired", code: 410, message: "too old resource version" } })}\n`,
      );
      return;
    }
    const watcher: Watcher = { target, res, selects: labelMatcher(url.searchParams.get("labelSelector")) };
    for (const event of this.history) if (event.rv > since) this.send(watcher, event);
    this.watchers.add(watcher);
    res.on("close", () => this.watchers.delete(watcher));
  }
}
