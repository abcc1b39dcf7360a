// TLS as Kyverno and Gatekeeper serve it (Go's defaults, without CBC): 1.2 at least, forward
// secrecy and AEAD only; and listening dual-stack, so single-stack IPv6 clusters reach it.
import { strict as assert } from "node:assert";
import { connect, getCiphers, type ConnectionOptions } from "node:tls";
import { TLS12_CIPHERS } from "../../src/server/tls-policy.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

describe("TLS policy and dual-stack listening", function () {
  this.timeout(60_000);
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ host: "::" });
  });
  after(async () => {
    await t.close();
  });

  /** The negotiated protocol and cipher, or the handshake's error. */
  const handshake = (
    port: number,
    options: Partial<ConnectionOptions>,
  ): Promise<{ protocol: string; cipher: string } | Error> =>
    new Promise((resolve) => {
      const socket = connect({
        host: "127.0.0.1",
        port,
        servername: "localhost",
        ca: t.server.certificates.bundle.caCert,
        ...options,
      });
      socket.once("secureConnect", () => {
        resolve({ protocol: socket.getProtocol() ?? "", cipher: socket.getCipher().standardName });
        socket.destroy();
      });
      socket.once("error", (err: Error) => {
        resolve(err);
      });
    });

  for (const listener of ["webhook", "optimizer"] as const) {
    const port = (): number => (listener === "webhook" ? t.server.webhookPort : t.server.optimizerPort);

    it(`${listener}: of every TLS 1.2 suite this OpenSSL knows, accepts only ECDHE with AES-GCM or ChaCha20-Poly1305`, async () => {
      const suites = getCiphers()
        .map((c) => c.toUpperCase())
        .filter((c) => !c.startsWith("TLS_"));
      const accepted: string[] = [];
      for (const cipher of suites) {
        // SECLEVEL=0: the client offers what OpenSSL would otherwise refuse itself, so a refusal is the server's.
        const result = await handshake(port(), { maxVersion: "TLSv1.2", ciphers: `${cipher}:@SECLEVEL=0` });
        if (!(result instanceof Error)) accepted.push(cipher);
      }
      assert.ok(suites.includes("AES128-SHA") && suites.includes("ECDHE-RSA-AES128-SHA"), "the weak ones were tried");
      assert.deepEqual(accepted.sort(), TLS12_CIPHERS.filter((c) => c.startsWith("ECDHE-RSA")).sort());
    });

    it(`${listener}: refuses TLS 1.0 and 1.1, and negotiates TLS 1.3 with an AEAD suite`, async () => {
      for (const version of ["TLSv1", "TLSv1.1"] as const) {
        const result = await handshake(port(), {
          minVersion: version,
          maxVersion: version,
          ciphers: "DEFAULT:@SECLEVEL=0",
        });
        assert.ok(result instanceof Error, `${version} refused`);
      }
      const modern = await handshake(port(), {});
      assert.ok(!(modern instanceof Error));
      assert.equal(modern.protocol, "TLSv1.3");
      assert.match(modern.cipher, /^TLS_(AES_(128|256)_GCM|CHACHA20_POLY1305)_SHA/);
    });
  }

  it("listens on :: and answers over IPv6 and IPv4 alike", async () => {
    for (const host of ["::1", "127.0.0.1"]) {
      const result = await handshake(t.server.webhookPort, { host });
      assert.ok(!(result instanceof Error), `${host}: ${result instanceof Error ? result.message : ""}`);
    }
  });
});
