import { randomBytes } from "node:crypto";
import forge from "node-forge";

export interface KeyPairPem {
  cert: string;
  key: string;
}

export interface ServingHosts {
  dnsNames: readonly string[];
  ipAddresses: readonly string[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A positive, random 128-bit serial number (RFC 5280 asks for ≤ 20 octets, positive). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString("hex");
}

/** Back-dated an hour so that clocks that lag a little still accept the certificate. */
function validity(cert: forge.pki.Certificate, days: number, now: Date): void {
  cert.validity.notBefore = new Date(now.getTime() - HOUR_MS);
  cert.validity.notAfter = new Date(now.getTime() + days * DAY_MS);
}

function newKeyPair(): forge.pki.rsa.KeyPair {
  // forge delegates to node's crypto.generateKeyPairSync when it is there, so this is fast.
  return forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
}

export function generateCA(commonName: string, days: number, now = new Date()): KeyPairPem {
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerial();
  validity(cert, days, now);
  const subject = [{ name: "commonName", value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
}

export function generateServingCert(ca: KeyPairPem, hosts: ServingHosts, days: number, now = new Date()): KeyPairPem {
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const caKey = forge.pki.privateKeyFromPem(ca.key);
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerial();
  validity(cert, days, now);
  cert.setSubject([{ name: "commonName", value: hosts.dnsNames[0] ?? "inferplane" }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [
        ...hosts.dnsNames.map((value) => ({ type: 2, value })),
        ...hosts.ipAddresses.map((ip) => ({ type: 7, ip })),
      ],
    },
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
}

/**
 * A client certificate issued by `ca` for `commonName` (extKeyUsage clientAuth): kube-scheduler's
 * identity to the extender, as the chart's genSignedCert issues it for `tlsConfig.certData`.
 */
export function generateClientCert(ca: KeyPairPem, commonName: string, days: number, now = new Date()): KeyPairPem {
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerial();
  validity(cert, days, now);
  cert.setSubject([{ name: "commonName", value: commonName }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", clientAuth: true },
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.key), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
}

/**
 * The SANs a webhook Service needs, plus loopback for standalone use. In a cluster the
 * certificate comes from the chart (or cert-manager) for the Service's names only: requiring
 * loopback there refused the chart's own certificate.
 */
export function servingHosts(service: string, namespace: string, loopback = true): ServingHosts {
  return {
    dnsNames: [
      `${service}.${namespace}.svc`,
      `${service}.${namespace}.svc.cluster.local`,
      service,
      `${service}.${namespace}`,
      ...(loopback ? ["localhost"] : []),
    ],
    ipAddresses: loopback ? ["127.0.0.1"] : [],
  };
}
