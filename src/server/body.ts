import type { IncomingMessage } from "node:http";

/** Why a body was not read: over the limit (413), over the budget (429), or the client went away. */
export type BodyFault = "too-large" | "over-budget" | "aborted";

export class BodyError extends Error {
  constructor(
    readonly fault: BodyFault,
    message: string,
    /** The first bytes that did arrive (an overload answer may echo a uid from them). */
    readonly head: Buffer = Buffer.alloc(0),
  ) {
    super(message);
  }
}

const MIB = 1024 * 1024;
/** What an overload answer reads of a body at most: an AdmissionReview's uid comes first. */
export const HEAD_BYTES = 16 * 1024;

/** `3 MiB`, `1.5 MiB`, `512 KiB`: sizes as people write them. */
export function formatBytes(bytes: number): string {
  if (bytes >= MIB) return `${Number((bytes / MIB).toFixed(2))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(2))} KiB`;
  return `${bytes} B`;
}

export function tooLargeMessage(limit: number, declared?: number): string {
  const shown = declared === undefined ? undefined : formatBytes(declared);
  // Just over the limit both round to the same text; then the bytes say it.
  const size = shown === undefined ? "" : shown === formatBytes(limit) ? ` (${declared} bytes)` : ` (${shown})`;
  return `the request body${size} exceeds the limit of ${formatBytes(limit)}`;
}

/** The declared Content-Length, or undefined (chunked, or not a number). */
export function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers["content-length"];
  if (header === undefined) return undefined;
  const length = Number(header);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/** A refused body this small is read and dropped, keeping the connection (a new TLS handshake costs more). */
export const DRAIN_BYTES = 64 * 1024;

/**
 * Before answering without reading the body: a small rest is drained so the keep-alive
 * connection stays usable; a large or unknown one is not read at all — the connection closes.
 */
export function dropUnreadBody(req: IncomingMessage, res: { setHeader(name: string, value: string): unknown }): void {
  if (req.complete) return;
  if ((declaredLength(req) ?? Infinity) > DRAIN_BYTES) res.setHeader("Connection", "close");
  else req.resume();
}

/**
 * Reads a request body into one Buffer, refusing it as its bytes arrive: past `limit` (413), or
 * when `reserve` — the in-flight budget — will not take the next chunk (429). Nothing is parsed.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  reserve: (bytes: number) => boolean = () => true,
): Promise<Buffer> {
  // With a Content-Length, one buffer of that size: no chunk list and no copy of it at the end.
  const declared = declaredLength(req);
  const whole = declared !== undefined && declared <= limit ? Buffer.allocUnsafe(declared) : undefined;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const fail = (fault: BodyFault, message: string): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.pause();
      const head = whole ? whole.subarray(0, Math.min(received, HEAD_BYTES)) : Buffer.concat(chunks);
      reject(new BodyError(fault, message, Buffer.from(head.subarray(0, HEAD_BYTES))));
    };
    const onData = (chunk: Buffer): void => {
      if (received + chunk.length > limit) {
        fail("too-large", tooLargeMessage(limit));
        return;
      }
      if (!reserve(chunk.length)) {
        fail("over-budget", "too many request bytes in flight");
        return;
      }
      if (whole) chunk.copy(whole, received);
      else chunks.push(chunk);
      received += chunk.length;
    };
    const onEnd = (): void => {
      req.off("close", onClose);
      resolve(whole ? whole.subarray(0, received) : Buffer.concat(chunks, received));
    };
    const onClose = (): void => {
      if (!req.complete) fail("aborted", "the client closed the connection before the body arrived");
    };
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("close", onClose);
  });
}
