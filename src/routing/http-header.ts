import type { ConfigError } from "./static-config.js";

/** RFC 9110 §5.1: a field name is a token, one or more of `!#$%&'*+-.^_\`|~`, digits and letters. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * A header name the router reads a session from (InferenceGateway sessionHeader, StaticRoute
 * sessionKey), or the error: anything but an RFC 9110 token (a space, a newline, a colon) names no
 * header a request can carry, so every request would fall to one backend.
 */
export function headerNameError(path: string, value: string | undefined): ConfigError[] {
  if (value === undefined || TOKEN.test(value)) return [];
  return [
    {
      path,
      detail: `${JSON.stringify(value)} is not an HTTP header name (RFC 9110 token)`,
      fix: "use letters, digits and !#$%&'*+-.^_`|~ only, e.g. x-user-id",
    },
  ];
}
