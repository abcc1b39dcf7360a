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

/** Why a file's text is no certificate: absent, empty, or unparseable (with the parser's reason). */
export function certificateFault(file: string, pem: string | undefined): Problem {
  if (pem === undefined) return `${file} is missing`;
  if (pem.trim() === "") return `${file} is empty`;
  try {
    new X509Certificate(pem);
    return undefined;
  } catch (err) {
    return `${file} cannot be parsed as a PEM certificate (${(err as Error).message})`;
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
  const fault = certificateFault("ca.crt", ca.cert);
  const cert = ca.cert === undefined ? undefined : parse(ca.cert);
  if (fault || !cert) return fault;
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
  const fault = certificateFault("tls.crt", pair.cert);
  const cert = pair.cert === undefined ? undefined : parse(pair.cert);
  if (fault || !cert) return fault;
  if (pair.key === undefined) return "tls.key is missing";
  if (pair.key.trim() === "") return "tls.key is empty";
  const ca = parse(caPem);
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
