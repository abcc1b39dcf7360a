import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";

const HOW =
  "kube-scheduler sends it from tlsConfig.certData/keyData of its extender configuration, which the chart renders (issued by the chart's CA)";

/**
 * Why the caller is not kube-scheduler by its client certificate, or undefined when it is: the
 * certificate must chain to the CA the listener trusts for clients and name `commonName` — a CA
 * that also issues other certificates (cert-manager) then still admits only the scheduler's.
 */
export function schedulerIdentityProblem(req: IncomingMessage, commonName: string): string | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== "function") return "the extender is served over TLS only";
  const cert = socket.getPeerCertificate();
  if (Object.keys(cert).length === 0)
    return `inferplane's extender needs kube-scheduler's client certificate and none was sent; ${HOW}`;
  const subject = (cert.subject as Record<string, unknown> | undefined)?.CN;
  const cn = typeof subject === "string" ? subject : JSON.stringify(subject);
  if (!socket.authorized)
    return `the client certificate CN=${cn} is not issued by inferplane's CA (${String(socket.authorizationError)}); ${HOW}`;
  if (cn !== commonName) return `the client certificate is for CN=${cn}, not ${commonName} (--extender-client-name)`;
  return undefined;
}
