import type { SecureContextOptions } from "node:tls";

/**
 * TLS 1.2 suites with forward secrecy (ECDHE) and an AEAD cipher (GCM, ChaCha20-Poly1305), in
 * OpenSSL's names — Mozilla's "intermediate" server list, and Go's default TLS 1.2 suites without
 * the CBC ones (Kyverno and Gatekeeper serve Go's defaults). TLS 1.3 suites are all AEAD with
 * ECDHE, and Node always offers them. Static-RSA key exchange and CBC-SHA1 are absent on purpose.
 */
export const TLS12_CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
] as const;

const TLS13_CIPHERS = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"] as const;

export interface ServingPair {
  cert: string;
  key: string;
  /** The CA that issues client certificates (kube-scheduler's); undefined: none are asked for. */
  clientCa?: string;
}

/** The secure-context options of every listener, and of every certificate reload. */
export function secureContextOptions(pair: ServingPair): SecureContextOptions {
  return {
    cert: pair.cert,
    key: pair.key,
    minVersion: "TLSv1.2",
    ciphers: [...TLS13_CIPHERS, ...TLS12_CIPHERS].join(":"),
    honorCipherOrder: true,
    ...(pair.clientCa ? { ca: pair.clientCa } : {}),
  };
}
