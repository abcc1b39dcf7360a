import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { main } from "../../src/cli/main.js";
import type { KubeObject } from "../../src/kube/object.js";
import { devicePluginConfigProblems } from "../../src/nvidia/device-plugin.js";
import { migPartedConfigProblems, parseNvidiaYaml } from "../../src/nvidia/mig-parted.js";
import { FIXTURES } from "../support/fixtures.js";
import { freePort, RedisClient, startRedis } from "../support/redis.js";
import { assertValidKubernetes } from "../support/schema.js";

type WithData = KubeObject & { data?: Record<string, string> };

function documents(text: string): WithData[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as WithData | null)
    .filter((o): o is WithData => o !== null);
}

describe("inferplane render of the seed's GPUPool and TokenCache: formats NVIDIA's and Redis' own code accept", function () {
  this.timeout(30_000);
  let dir: string;
  let rendered: WithData[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "inferplane-render-seed-"));
    const seeds = documents(await readFile(join(FIXTURES, "seed-examples.yaml"), "utf8"));
    const file = join(dir, "seed.yaml");
    await writeFile(
      file,
      seeds
        .filter((o) => o.kind === "GPUPool" || o.kind === "TokenCache")
        .map((o) => stringify(o))
        .join("---\n"),
    );
    let out = "";
    let err = "";
    const code = await main(["render", "-f", file], { out: (t) => (out += t), err: (t) => (err += t) });
    assert.equal(code, 0, err);
    rendered = documents(out);
    for (const obj of rendered) assertValidKubernetes(obj);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const configMap = (name: string): WithData =>
    rendered.find((o) => o.kind === "ConfigMap" && o.metadata?.name === name)!;

  it("a device-plugin config and a mig-parted file NVIDIA's readers accept, with the seed pool's key and layout", () => {
    const devicePlugin = configMap("inferplane-device-plugin-config").data!;
    assert.ok("a100-pool" in devicePlugin);
    for (const [key, text] of Object.entries(devicePlugin))
      assert.deepEqual(devicePluginConfigProblems(parseNvidiaYaml(text)), [], key);
    const file = parseNvidiaYaml(configMap("inferplane-mig-parted-config").data!["config.yaml"]!) as {
      "mig-configs": Record<string, unknown>;
    };
    assert.deepEqual(migPartedConfigProblems(file), []);
    assert.ok("a100-pool" in file["mig-configs"] && "all-disabled" in file["mig-configs"]);
  });

  it("a redis.conf Debian's redis-server runs with the tier's 500Gi in bytes and the seed's lru", async () => {
    const conf = configMap("shared-cache-distributed").data!["redis.conf"]!;
    const port = await freePort();
    const redis = await startRedis(
      ["redis-server", "redis.conf", "--port", String(port), "--bind", "127.0.0.1"],
      port,
      conf,
    );
    const client = await RedisClient.connect(port);
    try {
      assert.deepEqual(await client.command("CONFIG", "GET", "maxmemory"), ["maxmemory", String(500 * 2 ** 30)]);
      assert.deepEqual(await client.command("CONFIG", "GET", "maxmemory-policy"), ["maxmemory-policy", "allkeys-lru"]);
    } finally {
      client.close();
      await redis.stop();
    }
    const servers = rendered.find((o) => o.kind === "StatefulSet") as KubeObject & { spec: { replicas: number } };
    assert.equal(servers.spec.replicas, 3, "the seed's replicas: 3 — one primary, two replicas");
  });
});
