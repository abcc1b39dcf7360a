/** Why a request was turned away at once: too many in flight, or too many body bytes held. */
export type Overload = "in-flight" | "bytes-in-flight";

/** One request's share of the budget; released when its response is done. */
export interface Ticket {
  /** Takes `bytes` more (a body without Content-Length, as it arrives); false when over the budget. */
  reserve: (bytes: number) => boolean;
  release: () => void;
}

/**
 * Requests in flight and the body bytes they hold, for one family of paths (admission, extender).
 * A request that would exceed either is answered at once, never queued into the caller's
 * timeout; the bytes bound keeps a burst of large bodies inside the memory limit while small
 * requests still pass.
 */
export class InFlightBudget {
  private requests = 0;
  private bytes = 0;

  constructor(
    readonly maxRequests: number,
    readonly maxBytes: number,
  ) {}

  get inFlight(): { requests: number; bytes: number } {
    return { requests: this.requests, bytes: this.bytes };
  }

  /** A ticket for a request declaring `declared` bytes (0 when unknown), or why not. */
  enter(declared: number): Ticket | Overload {
    if (this.requests >= this.maxRequests) return "in-flight";
    if (declared > 0 && this.bytes + declared > this.maxBytes) return "bytes-in-flight";
    this.requests++;
    this.bytes += declared;
    let held = declared;
    let released = false;
    return {
      reserve: (more) => {
        if (released) return false;
        // A declared length was reserved up front (Node's parser stops the body there).
        if (declared > 0) return true;
        if (this.bytes + more > this.maxBytes) return false;
        this.bytes += more;
        held += more;
        return true;
      },
      release: () => {
        if (released) return;
        released = true;
        this.requests--;
        this.bytes -= held;
      },
    };
  }
}
