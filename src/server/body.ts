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

/**
 * Reads a request body into one Buffer, refusing it as its bytes arrive: past `limit` (413), or
 * when `reserve` — the in-flight budget — will not take the next chunk (429). Nothing is parsed.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  reserve: (bytes: number) => boolean = () => true,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const fail = (fault: BodyFault, message: string): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.pause();
      reject(new BodyError(fault, message, Buffer.concat(chunks).subarray(0, HEAD_BYTES)));
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limit) {
        fail("too-large", tooLargeMessage(limit));
        return;
      }
      if (!reserve(chunk.length)) {
        fail("over-budget", "too many request bytes in flight");
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      req.off("close", onClose);
      resolve(Buffer.concat(chunks, received));
    };
    const onClose = (): void => {
      if (!req.complete) fail("aborted", "the client closed the connection before the body arrived");
    };
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("close", onClose);
  });
}
