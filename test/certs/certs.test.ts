import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CertificateError, DEFAULT_CERT_POLICY, ensureCertificates, type CertPolicy } from "../../certs/ensure.js";
import { generateCA, generateServingCert, servingHosts } from "../../certs/generate.js";
import { readCertFiles } from "../../certs/files.js";
import { CertificateReloader } from "../../certs/reloader.js";
import { silentLogger } from "../../src/logging.js";

const DAY = 86_400_000;
const policy: CertPolicy = { ...DEFAULT_CERT_POLICY, hosts: servingHosts("inferplane", "inferplane-system") };

describe("certificates", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "inferplane-certs-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("issues a CA and a serving certificate as a webhook needs them", () => {
    const now = new Date();
    const ca = generateCA("test-ca", 10, now);
    const pair = generateServingCert(ca, policy.hosts, 5, now);
    const caCert = new X509Certificate(ca.cert);
    const cert = new X509Certificate(pair.cert);
    assert.ok(caCert.ca && !cert.ca);
    assert.ok(cert.checkIssued(caCert) && cert.verify(caCert.publicKey));
    assert.deepEqual(cert.keyUsage, ["1.3.6.1.5.5.7.3.1"], "serverAuth extended key usage");
    for (const host of [
      "inferplane.inferplane-system.svc",
      "inferplane.inferplane-system.svc.cluster.local",
      "localhost",
    ])
      assert.equal(cert.checkHost(host), host);
    assert.equal(cert.checkIP("127.0.0.1"), "127.0.0.1");
    const backdate = now.getTime() - new Date(cert.validFrom).getTime();
    assert.ok(backdate >= 3_599_000 && backdate <= 3_601_000, `notBefore back-dated an hour, got ${backdate} ms`);
    assert.notEqual(
      cert.serialNumber,
      new X509Certificate(generateServingCert(ca, policy.hosts, 5, now).cert).serialNumber,
      "random serials",
    );
    assert.ok(parseInt(cert.serialNumber.slice(0, 1), 16) < 8, "serial is positive");
  });

  it("generates what is missing, then reuses valid files without writing", async () => {
    const first = await ensureCertificates(dir, policy);
    assert.deepEqual(first.written.sort(), ["caCert", "caKey", "cert", "key"]);
    assert.equal((await stat(join(dir, "tls.key"))).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, "ca.key"))).mode & 0o777, 0o600);
    const second = await ensureCertificates(dir, policy);
    assert.deepEqual(second.written, []);
    assert.deepEqual(second.bundle, first.bundle);
    assert.deepEqual(
      (await readdir(dir)).sort(),
      ["ca.crt", "ca.key", "tls.crt", "tls.key"],
      "no temporary files left",
    );
  });

  it("renews a serving certificate close to expiry, keeping the CA", async () => {
    const first = await ensureCertificates(dir, policy);
    const later = new Date(Date.now() + (policy.servingDays - policy.renewBeforeDays + 1) * DAY);
    const renewed = await ensureCertificates(dir, policy, later);
    assert.deepEqual(renewed.written.sort(), ["cert", "key"]);
    assert.equal(renewed.bundle.caCert, first.bundle.caCert);
    assert.notEqual(renewed.bundle.cert, first.bundle.cert);
  });

  it("reissues when the hosts change", async () => {
    await ensureCertificates(dir, policy);
    const other = await ensureCertificates(dir, { ...policy, hosts: servingHosts("other", "ns") });
    assert.deepEqual(other.written.sort(), ["cert", "key"]);
  });

  it("uses a mounted Secret (no ca.key) read-only, and says so when it cannot renew it", async () => {
    await ensureCertificates(dir, policy);
    await rm(join(dir, "ca.key"));
    assert.deepEqual((await ensureCertificates(dir, policy)).written, []);
    const soon = await ensureCertificates(dir, policy, new Date(Date.now() + 350 * DAY));
    assert.deepEqual(soon.written, [], "expiring but valid: used, nothing written");
    assert.match(soon.warning ?? "", /expires .*; rotate the Secret/);
    const later = new Date(Date.now() + 366 * DAY);
    await assert.rejects(
      ensureCertificates(dir, policy, later),
      (err: unknown) =>
        err instanceof CertificateError &&
        /expires .* no ca.key to issue a new one; rotate the Secret/.test(err.message),
    );
  });

  it("names what is wrong with a file: absent, empty, or unparseable (with the parser's reason)", async () => {
    const cases: Array<[string, string | undefined, RegExp]> = [
      ["ca.crt", undefined, /^ca.crt is missing$/],
      ["ca.crt", "", /^ca.crt is empty$/],
      ["ca.crt", "garbage\n", /^ca.crt cannot be parsed as a PEM certificate \(.*no start line\)$/],
      ["tls.crt", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", /^tls.crt cannot be parsed/],
    ];
    for (const [file, content, reason] of cases) {
      await ensureCertificates(dir, policy);
      if (content === undefined) await rm(join(dir, file));
      else await writeFile(join(dir, file), content);
      assert.match((await ensureCertificates(dir, policy)).reason ?? "", reason, `${file}: ${String(content)}`);
    }
  });

  it("says why a mounted Secret that cannot be written is unusable, not only that the write failed", async () => {
    await ensureCertificates(dir, policy);
    await rm(join(dir, "ca.key"));
    await writeFile(join(dir, "ca.crt"), "garbage\n");
    // A write that fails, even for root: a directory where the new tls.crt would be written first.
    await mkdir(join(dir, `tls.crt.${process.pid}.tmp`));
    await assert.rejects(
      ensureCertificates(dir, policy),
      (err: unknown) =>
        err instanceof CertificateError &&
        /ca.crt cannot be parsed as a PEM certificate .*; cannot write new certificates: EISDIR/.test(err.message),
    );
  });

  it("replaces a key that does not match its certificate", async () => {
    const first = await ensureCertificates(dir, policy);
    await writeFile(join(dir, "tls.key"), generateCA("x", 1).key);
    const again = await ensureCertificates(dir, policy);
    assert.deepEqual(again.written.sort(), ["cert", "key"]);
    assert.equal(again.bundle.caCert, first.bundle.caCert);
  });

  it("reloader: waits out a half-written rotation, then picks up the new pair", async () => {
    const { bundle } = await ensureCertificates(dir, policy);
    const changes: string[] = [];
    const reloader = new CertificateReloader(bundle, {
      dir,
      policy,
      intervalMs: 1_000_000,
      log: silentLogger,
      onChange: (b) => changes.push(b.cert),
      onError: (e) => {
        throw e;
      },
    });
    const files = await readCertFiles(dir);
    const next = generateServingCert({ cert: files.caCert!, key: files.caKey! }, policy.hosts, 300);
    await writeFile(join(dir, "tls.crt"), next.cert);
    await reloader.check();
    assert.deepEqual(changes, [], "certificate without its key is not loaded");
    assert.equal((await readCertFiles(dir)).cert, next.cert, "and the half-written rotation is not overwritten");
    await writeFile(join(dir, "tls.key"), next.key);
    await reloader.check();
    assert.deepEqual(changes, [next.cert]);
    await reloader.check();
    assert.equal(changes.length, 1, "no reload without a change");
  });
});
