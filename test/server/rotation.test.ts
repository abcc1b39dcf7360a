import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import { connect } from "node:tls";
import { request } from "node:https";
import { generateServingCert } from "../../certs/generate.js";
import { readCertFiles, writeCertFiles } from "../../certs/files.js";
import { servingHosts } from "../../certs/generate.js";
import { capturedRequest, review } from "../support/fixtures.js";
import { startTestServer, waitFor, type TestServer } from "../support/test-server.js";

/** Serial number of the certificate the server presents on a new connection, verified against the CA. */
function presentedSerial(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, ca, servername: "localhost" }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.end();
      resolve(serial);
    });
    socket.on("error", reject);
  });
}

/** One request on a fresh TLS connection (new handshake every time). */
function freshPost(port: number, ca: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        servername: "localhost",
        port,
        path: "/mutate",
        method: "POST",
        ca,
        agent: false,
        headers: { "content-type": "application/json" },
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          resolve(res.statusCode ?? 0);
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("certificate rotation under load", function () {
  this.timeout(60_000);
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ "cert-check-interval-ms": "20" });
  });
  after(async () => {
    await t.close();
  });

  it("loses no request while the serving certificate is rotated five times, and serves the newest", async () => {
    const ca = t.server.certificates.bundle.caCert;
    const body = JSON.stringify(review(capturedRequest("admission-create-pod")));
    let stop = false;
    const statuses: number[] = [];
    const errors: unknown[] = [];
    const loop = async (fresh: boolean): Promise<void> => {
      while (!stop) {
        try {
          statuses.push(
            fresh ? await freshPost(t.server.webhookPort, ca, body) : (await t.client.post("/mutate", body)).status,
          );
        } catch (err) {
          errors.push(err);
        }
      }
    };
    const loops = [loop(true), loop(true), loop(false), loop(false)];
    const files = await readCertFiles(t.certDir);
    let last = "";
    for (let i = 0; i < 5; i++) {
      const pair = generateServingCert(
        { cert: files.caCert!, key: files.caKey! },
        servingHosts("inferplane", "inferplane-system"),
        300,
      );
      await writeCertFiles(t.certDir, { cert: pair.cert, key: pair.key });
      last = new X509Certificate(pair.cert).serialNumber;
      await waitFor(() => t.server.certificates.bundle.cert === pair.cert, 5000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    stop = true;
    await Promise.all(loops);
    assert.deepEqual(errors, []);
    assert.ok(statuses.length > 20, `requests were in flight throughout (${statuses.length})`);
    assert.ok(statuses.every((s) => s === 200));
    assert.equal(await presentedSerial(t.server.webhookPort, ca), last);
    const metrics = await (await fetch(`http://127.0.0.1:${t.server.metricsPort}/metrics`)).text();
    assert.match(metrics, /inferplane_certificate_reloads_total\{result="success"\} 5/);
  });
});
