import { caProblem, servingProblem } from "./inspect.js";
import { readCertFiles, writeCertFiles, type CertFiles } from "./files.js";
import { generateCA, generateServingCert, type KeyPairPem, type ServingHosts } from "./generate.js";

const DAY_MS = 86_400_000;

export interface CertPolicy {
  hosts: ServingHosts;
  caDays: number;
  servingDays: number;
  /** Renew a certificate once less than this much of its life is left. */
  renewBeforeDays: number;
  caCommonName: string;
}

export const DEFAULT_CERT_POLICY: Omit<CertPolicy, "hosts"> = {
  caDays: 3650,
  servingDays: 365,
  renewBeforeDays: 30,
  caCommonName: "inferplane-webhook-ca",
};

export interface ServingBundle {
  caCert: string;
  cert: string;
  key: string;
}

export interface EnsureResult {
  bundle: ServingBundle;
  /** Files written this time; empty when the directory already held usable certificates. */
  written: string[];
  /** Set when the certificates are usable but should be renewed by whoever owns them. */
  warning?: string;
  /** Why files were written: what was wrong with the ones found (absent, empty, unparseable, expiring…). */
  reason?: string;
}

export class CertificateError extends Error {}

/** The bundle in the files when every part is usable; otherwise the first problem. */
function usableAsIs(files: CertFiles, policy: CertPolicy, now: Date, renewMs: number): ServingBundle | string {
  const { caCert, cert, key } = files;
  const problem =
    caProblem({ cert: caCert }, now, renewMs) ??
    servingProblem({ cert, key }, caCert ?? "", policy.hosts, now, renewMs);
  if (problem) return problem;
  return caCert && cert && key ? { caCert, cert, key } : "tls.crt or tls.key is missing";
}

function ensureCA(
  files: CertFiles,
  policy: CertPolicy,
  now: Date,
  renewMs: number,
): { ca: Partial<KeyPairPem>; fresh: boolean } {
  const current = { cert: files.caCert, key: files.caKey };
  const problem = caProblem(current, now, renewMs);
  if (!problem) return { ca: current, fresh: false };
  return { ca: generateCA(policy.caCommonName, policy.caDays, now), fresh: true };
}

/**
 * Reuses the certificates in `dir` when they are usable, and generates what is missing or
 * expiring. A directory with a usable `ca.crt` + `tls.*` but no `ca.key` (a mounted Secret)
 * is used read-only; if such a pair needs renewal, this fails with the reason.
 */
export async function ensureCertificates(dir: string, policy: CertPolicy, now = new Date()): Promise<EnsureResult> {
  return ensureFromSnapshot(dir, await readCertFiles(dir), policy, now);
}

/** As ensureCertificates, deciding on files already read (so a caller's checks and this decision see one snapshot). */
export async function ensureFromSnapshot(
  dir: string,
  files: CertFiles,
  policy: CertPolicy,
  now = new Date(),
): Promise<EnsureResult> {
  const renewMs = policy.renewBeforeDays * DAY_MS;
  const usable = usableAsIs(files, policy, now, renewMs);
  if (typeof usable !== "string") return { bundle: usable, written: [] };
  if (files.caCert && !files.caKey && !caProblem({ cert: files.caCert }, now, renewMs)) {
    // A mounted Secret we cannot renew: still valid today is still usable, with a warning.
    const stillValid = usableAsIs(files, policy, now, 0);
    if (typeof stillValid !== "string")
      return { bundle: stillValid, written: [], warning: `${dir}: ${usable}; rotate the Secret` };
    throw new CertificateError(`${dir}: ${usable}, and there is no ca.key to issue a new one; rotate the Secret`);
  }
  const { ca, fresh } = ensureCA(files, policy, now, renewMs);
  const caPair = ca as KeyPairPem;
  const pair = generateServingCert(caPair, policy.hosts, policy.servingDays, now);
  const toWrite: CertFiles = { cert: pair.cert, key: pair.key };
  if (fresh) Object.assign(toWrite, { caCert: caPair.cert, caKey: caPair.key });
  try {
    await writeCertFiles(dir, toWrite);
  } catch (err) {
    // A read-only mount (a Secret) with a bad certificate: say what is wrong with it, not only EROFS.
    throw new CertificateError(`${dir}: ${usable}; cannot write new certificates: ${(err as Error).message}`);
  }
  return {
    bundle: { caCert: caPair.cert, cert: pair.cert, key: pair.key },
    written: Object.keys(toWrite),
    reason: usable,
  };
}

/** The caBundle value of a webhook configuration: base64 of the CA's PEM. */
export function caBundle(caCertPem: string): string {
  return Buffer.from(caCertPem).toString("base64");
}
