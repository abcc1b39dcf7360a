import { X509Certificate, createPrivateKey } from "node:crypto";
import type { KeyPairPem, ServingHosts } from "./generate.js";

/** Why a certificate cannot be used as it is, or undefined when it can. */
export type Problem = string | undefined;

function parse(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

export function notAfter(pem: string): Date | undefined {
  const cert = parse(pem);
  return cert ? new Date(cert.validTo) : undefined;
}

function expiryProblem(cert: X509Certificate, now: Date, renewBeforeMs: number): Problem {
  const end = new Date(cert.validTo).getTime();
  if (end - now.getTime() < renewBeforeMs) return `expires ${new Date(end).toISOString()}`;
  return new Date(cert.validFrom).getTime() > now.getTime() ? "is not valid yet" : undefined;
}

export function caProblem(ca: Partial<KeyPairPem>, now: Date, renewBeforeMs: number): Problem {
  if (!ca.cert) return "ca.crt is missing";
  const cert = parse(ca.cert);
  if (!cert) return "ca.crt is not a PEM certificate";
  if (!cert.ca) return "ca.crt is not a CA certificate";
  return expiryProblem(cert, now, renewBeforeMs);
}

function keyMatches(cert: X509Certificate, keyPem: string): boolean {
  try {
    return cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

/** The serving pair is usable: parses, key matches, signed by the CA, covers every host, not expiring. */
export function servingProblem(
  pair: Partial<KeyPairPem>,
  caPem: string,
  hosts: ServingHosts,
  now: Date,
  renewBeforeMs: number,
): Problem {
  if (!pair.cert || !pair.key) return "tls.crt or tls.key is missing";
  const cert = parse(pair.cert);
  const ca = parse(caPem);
  if (!cert) return "tls.crt is not a PEM certificate";
  if (!keyMatches(cert, pair.key)) return "tls.key does not match tls.crt";
  if (!ca || !cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return "tls.crt is not signed by ca.crt";
  const missing = [
    ...hosts.dnsNames.filter((h) => cert.checkHost(h, { subject: "never" }) === undefined),
    ...hosts.ipAddresses.filter((ip) => cert.checkIP(ip) === undefined),
  ];
  if (missing.length > 0) return `tls.crt does not cover ${missing.join(", ")}`;
  return expiryProblem(cert, now, renewBeforeMs);
}

/** The key matches the certificate: the minimum for a pair read in the middle of a rotation. */
export function pairMatches(pair: KeyPairPem): boolean {
  const cert = parse(pair.cert);
  return cert !== undefined && keyMatches(cert, pair.key);
}
