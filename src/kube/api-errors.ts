/** The HTTP status of a failed client-node call (ApiException carries it as `code`), if any. */
export function statusCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}
