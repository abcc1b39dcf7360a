/**
 * A URL inferplane cannot usefully probe: `localhost` and 127.0.0.0/8 are the router pod's own
 * loopback (the seed's example backends), not something inferplane's pod reaches.
 */
export function isLoopback(url: string): boolean {
  const host = /^https?:\/\/([^/:]+)/.exec(url)?.[1] ?? "";
  return host === "localhost" || /^127\./.test(host);
}
