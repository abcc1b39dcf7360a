/**
 * Which backend URLs the vLLM production-stack router keeps (src/vllm_router/utils.py `validate_url`,
 * applied by `parse_static_urls`): `http` or `https`, then a host that is a dotted name whose last
 * label is two or more letters, `localhost`, or an IPv4 address, then an optional `:port` and path.
 * Any other URL is skipped with only a log line — and then static_backends and static_models differ
 * in length, which the router refuses. So inferplane checks every URL before writing it.
 */
const ROUTER_URL = /^(http|https):\/\/(([a-zA-Z0-9_-]+\.)+[a-zA-Z]{2,}|localhost|\d{1,3}(\.\d{1,3}){3})(:\d+)?(\/.*)?$/;

/** A URL's host when it is a single label (`http://vllm-a:8000` → `vllm-a`), else undefined. */
const SINGLE_LABEL = /^(https?):\/\/([a-zA-Z0-9_-]+)(:\d+)?(\/.*)?$/;

/** True when the router keeps this URL. */
export function routerAccepts(url: string): boolean {
  return ROUTER_URL.test(url);
}

/** The DNS name of a Service: `<svc>.<namespace>.svc.cluster.local` (the default cluster domain). */
export function serviceHost(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.cluster.local`;
}

/** A URL whose port is no TCP port (`:0`, `:99999`): the router's pattern lets it through. */
function portError(url: string): UrlCheck | undefined {
  const port = /^https?:\/\/[^/:]+:(\d+)(\/|$)/.exec(url)?.[1];
  if (port === undefined || (Number(port) >= 1 && Number(port) <= 65535)) return undefined;
  return {
    ok: false,
    url,
    detail: `port ${port} is not a TCP port (1 to 65535): the router would keep it and every request would fail`,
    fix: "write the backend's port, e.g. :8000",
  };
}

export type UrlCheck =
  { ok: true; url: string; qualified: boolean } | { ok: false; url: string; detail: string; fix: string };

/**
 * A backend URL as the router will keep it: a port outside 1–65535 refused (the router's check
 * lets `:0` and `:99999` through); unchanged when the router accepts it; a single-label
 * host that names a Service of `namespace` (`isService`) qualified to its cluster DNS name; else
 * refused with what to write instead.
 */
export function checkBackendUrl(url: string, namespace: string, isService: (name: string) => boolean): UrlCheck {
  const badPort = portError(url);
  if (badPort) return badPort;
  if (routerAccepts(url)) return { ok: true, url, qualified: false };
  const single = SINGLE_LABEL.exec(url);
  if (single) {
    const [, scheme = "http", host = "", port = "", path = ""] = single;
    const qualified = `${scheme}://${serviceHost(host, namespace)}${port}${path}`;
    if (isService(host) && routerAccepts(qualified)) return { ok: true, url: qualified, qualified: true };
    return {
      ok: false,
      url,
      detail: `host "${host}" is a single label, which the router drops`,
      fix: `write ${qualified} (or the backend's IP address)`,
    };
  }
  return {
    ok: false,
    url,
    detail: "the router accepts only http(s)://<dotted name, localhost or IPv4>[:port][/path]",
    fix: "write e.g. http://vllm.default.svc.cluster.local:8000",
  };
}
