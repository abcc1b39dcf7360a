import assert from "node:assert/strict";
import { ConfigError, serveConfig } from "../../src/config.js";
import { main } from "../../src/cli/main.js";

const CLUSTER = { KUBERNETES_SERVICE_HOST: "10.0.0.1" };

describe("serve: the seeds' environment variables as flag equivalents", () => {
  it("reads METRICS_BIND_ADDRESS, KUBERNETES_NAMESPACE and GPU_METRICS_ENDPOINT; flags win", () => {
    const env = {
      ...CLUSTER,
      METRICS_BIND_ADDRESS: ":9090",
      KUBERNETES_NAMESPACE: "inference-system",
      GPU_METRICS_ENDPOINT: "http://prometheus:9090",
    };
    const config = serveConfig({}, env);
    assert.deepEqual(
      [config.metricsPort, config.namespace, config.prometheusUrl],
      [9090, "inference-system", "http://prometheus:9090"],
    );
    const flagged = serveConfig({ "metrics-port": "8080", namespace: "ours" }, env);
    assert.deepEqual([flagged.metricsPort, flagged.namespace], [8080, "ours"]);
  });

  it("takes seed 003's names too, and the health address as the same port", () => {
    const config = serveConfig(
      {},
      { ...CLUSTER, METRICS_ADDR: "0.0.0.0:8443", HEALTH_PROBE_ADDR: ":8443", LEADER_ELECTION_ENABLED: "true" },
    );
    assert.equal(config.metricsPort, 8443);
    assert.equal(serveConfig({}, { ...CLUSTER, HEALTH_PROBE_BIND_ADDRESS: ":8081" }).metricsPort, 8081);
  });

  it("refuses what it cannot honour, saying why", () => {
    assert.throws(
      () => serveConfig({}, { ...CLUSTER, METRICS_BIND_ADDRESS: ":8080", HEALTH_PROBE_BIND_ADDRESS: ":8081" }),
      (err: unknown) => err instanceof ConfigError && /one port/.test(err.message),
    );
    assert.throws(() => serveConfig({}, { ...CLUSTER, LEADER_ELECT: "yes" }), ConfigError);
  });

  it("names the variable, not the flag, when an address is malformed", () => {
    for (const [name, address] of [
      ["METRICS_BIND_ADDRESS", "garbage"],
      ["METRICS_ADDR", ":0x50"],
      ["HEALTH_PROBE_BIND_ADDRESS", ":99999"],
    ] as const)
      assert.throws(
        () => serveConfig({}, { ...CLUSTER, [name]: address }),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.message ===
            `${name} "${address}" is not [host]:port with a port from 0 to 65535; write it like :8080 or 0.0.0.0:8080`,
      );
    assert.equal(serveConfig({}, { ...CLUSTER, METRICS_BIND_ADDRESS: "[::]:9090" }).metricsPort, 9090);
  });

  it("are documented in serve --help", async () => {
    let out = "";
    assert.equal(await main(["serve", "--help"], { out: (t) => (out += t), err: () => undefined }), 0);
    for (const name of [
      "METRICS_BIND_ADDRESS",
      "HEALTH_PROBE_BIND_ADDRESS",
      "LEADER_ELECT",
      "KUBERNETES_NAMESPACE",
      "METRICS_ADDR",
      "HEALTH_PROBE_ADDR",
      "LEADER_ELECTION_ENABLED",
      "GPU_METRICS_ENDPOINT",
    ])
      assert.ok(out.includes(name), name);
  });
});
