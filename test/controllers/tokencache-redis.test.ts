import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CacheTier, TokenCache } from "../../src/apis/inference-ai.js";
import { REDIS_PING_SCRIPT, REDIS_START_SCRIPT, redisConfig } from "../../src/controllers/tokencache/redis-server.js";
import { redisTierPlan } from "../../src/tokencache/redis-tier.js";
import { freePort, RedisClient, RedisError, startRedis, type Reply, type RunningRedis } from "../support/redis.js";
import { waitFor } from "../support/test-server.js";

function cache(
  tier: Partial<CacheTier>,
  evictionPolicy?: TokenCache["spec"]["evictionPolicy"],
): { cache: TokenCache; tier: CacheTier } {
  const t: CacheTier = { name: "shared", type: "redis", size: "16Mi", ...tier };
  const c: TokenCache = {
    apiVersion: "inference.ai/v1alpha1",
    kind: "TokenCache",
    metadata: { name: "chat", namespace: "serving", uid: "u" },
    spec: { tiers: [t], ...(evictionPolicy ? { evictionPolicy } : {}) },
  };
  return { cache: c, tier: t };
}

/** The tier's generated redis.conf, as the controller writes it. */
function generated(tier: Partial<CacheTier>, evictionPolicy?: TokenCache["spec"]["evictionPolicy"]): string {
  const { cache: c, tier: t } = cache(tier, evictionPolicy);
  return redisConfig(c, t, redisTierPlan(c, t), "serving");
}

/** Debian's redis-server with the generated file; only the port and the bind address differ, as arguments. */
async function serve(config: string): Promise<RunningRedis> {
  const port = await freePort();
  return startRedis(["redis-server", "redis.conf", "--port", String(port), "--bind", "127.0.0.1"], port, config);
}

async function configGet(client: RedisClient, name: string): Promise<string> {
  const reply = (await client.command("CONFIG", "GET", name)) as string[];
  return reply[1]!;
}

/** LMCache's keys (CacheEngineKey.to_string() + "kv_bytes" / "metadata"), as its RedisConnector writes them. */
function lmcacheKey(i: number, suffix: "kv_bytes" | "metadata"): string {
  return `vllm@meta-llama/Llama-3.1-8B-Instruct@1@0@${(0x5eed + i).toString(16).padStart(16, "0")}${suffix}`;
}

/** Writes chunks of 64 KiB (and their metadata) with a plain SET and no TTL, as LMCache does, until `bytes` are written. */
async function writeLikeLmcache(client: RedisClient, bytes: number): Promise<Reply[]> {
  const chunk = Buffer.alloc(64 * 1024, 7);
  const replies: Reply[] = [];
  for (let i = 0; i * chunk.length < bytes; i++) {
    replies.push(await client.command("SET", lmcacheKey(i, "kv_bytes"), chunk));
    replies.push(await client.command("SET", lmcacheKey(i, "metadata"), "shape,dtype,fmt"));
  }
  return replies;
}

describe("a redis tier's generated config, run by Debian's redis-server", function () {
  this.timeout(30_000);
  const running: RunningRedis[] = [];
  const clients: RedisClient[] = [];

  async function client(server: RunningRedis): Promise<RedisClient> {
    const c = await RedisClient.connect(server.port);
    clients.push(c);
    return c;
  }
  async function started(config: string): Promise<RedisClient> {
    const server = await serve(config);
    running.push(server);
    return client(server);
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const r of running.splice(0)) await r.stop();
  });

  it("has maxmemory in bytes of the tier's size and the policy the eviction asks (Redis' 1g is not 1Gi)", async () => {
    const cases: [Partial<CacheTier>, TokenCache["spec"]["evictionPolicy"], string, string][] = [
      [{ size: "16Mi" }, "lru", String(16 * 2 ** 20), "allkeys-lru"],
      [{ size: "1Gi" }, "lfu", String(2 ** 30), "allkeys-lfu"],
      [{ size: "1G" }, "fifo", "1000000000", "allkeys-lru"],
      [{ size: "500Gi" }, undefined, String(500 * 2 ** 30), "allkeys-lru"],
    ];
    for (const [tier, policy, bytes, mapped] of cases) {
      const redis = await started(generated(tier, policy));
      assert.deepEqual(
        [await configGet(redis, "maxmemory"), await configGet(redis, "maxmemory-policy")],
        [bytes, mapped],
        `${String(tier.size)} ${policy ?? "(none)"}`,
      );
      assert.deepEqual([await configGet(redis, "appendonly"), await configGet(redis, "save")], ["no", ""]);
    }
  });

  it("evicts, rather than failing, when LMCache writes past maxmemory", async () => {
    const redis = await started(generated({ size: "16Mi" }, "lru"));
    const replies = await writeLikeLmcache(redis, 48 * 2 ** 20);
    assert.ok(
      replies.every((r) => r === "OK"),
      String(replies.find((r) => r !== "OK")),
    );
    assert.ok(Number(await redis.info("evicted_keys")) > 0, "old chunks were evicted");
    assert.ok(
      Number(await redis.info("used_memory")) <= 16 * 2 ** 20 * 1.05,
      `used ${await redis.info("used_memory")}`,
    );
    assert.notEqual(await redis.command("GET", lmcacheKey(767, "metadata")), null, "the newest chunk is there");
  });

  it("fails writes at maxmemory, as the ttl warning says, under a policy that evicts only keys with a TTL", async () => {
    const { cache: c, tier } = cache({ size: "16Mi", ttl: "168h" });
    assert.match(redisTierPlan(c, tier).warnings.join(), /ttl 168h is not enforced: LMCache writes without a TTL/);
    const redis = await started(generated({ size: "16Mi", ttl: "168h" }));
    // What mapping the tier's ttl to Redis' TTL eviction would do: LMCache's keys have none.
    assert.equal(await redis.command("CONFIG", "SET", "maxmemory-policy", "volatile-ttl"), "OK");
    const replies = await writeLikeLmcache(redis, 48 * 2 ** 20);
    const refused = replies.filter((r) => r instanceof RedisError);
    assert.ok(refused.length > 0, "no write failed");
    assert.match(refused[0]!.message, /^OOM command not allowed when used memory > 'maxmemory'/);
    assert.equal(await redis.info("evicted_keys"), "0");
  });

  it("persists with AOF only when asked", async () => {
    const redis = await started(generated({ size: "16Mi", redisConfig: { persistenceEnabled: true } }));
    assert.deepEqual(
      [await configGet(redis, "appendonly"), await configGet(redis, "appendfsync"), await configGet(redis, "save")],
      ["yes", "everysec", ""],
    );
    assert.equal(await redis.command("SET", "k", "v"), "OK");
    await waitFor(() => existsSync(join(running[0]!.dir, "appendonlydir")), 5000);
  });

  it("starts one primary and a replica with the password from the Secret, and the probe checks them", async () => {
    const config = generated({ size: "16Mi", redisConfig: { replicas: 2, passwordSecretRef: { name: "redis-auth" } } });
    const [primaryPort, replicaPort] = [await freePort(), await freePort()];
    const start = (ordinal: number, port: number): Promise<RunningRedis> =>
      startRedis(
        ["sh", "-c", REDIS_START_SCRIPT, "redis-start", "--port", String(port), "--bind", "127.0.0.1"],
        port,
        config,
        {
          HOSTNAME: `chat-shared-${ordinal}`,
          REDIS_CONFIG: "redis.conf",
          REDIS_PASSWORD: "s3cr3t-Pass_word",
          PRIMARY_HOST: "127.0.0.1",
          PRIMARY_PORT: String(primaryPort),
        },
      );
    const primary = await start(0, primaryPort);
    running.push(primary);
    const replica = await start(1, replicaPort);
    running.push(replica);
    const p = await client(primary);
    assert.match(String(await p.command("PING")), /NOAUTH/);
    assert.equal(await p.command("AUTH", "s3cr3t-Pass_word"), "OK");
    assert.equal(await p.command("SET", "written", "on the primary"), "OK");
    const r = await client(replica);
    assert.equal(await r.command("AUTH", "s3cr3t-Pass_word"), "OK");
    assert.equal(await r.info("role"), "slave");
    await waitFor(() => replica.output().includes("MASTER <-> REPLICA sync: Finished with success"), 10_000);
    assert.equal(await r.command("GET", "written"), "on the primary");
    assert.match(String(await r.command("SET", "x", "y")), /READONLY/, "writes go to the primary");
    assert.equal(await p.info("role"), "master");
    const probe = (port: number, auth?: string): number | null =>
      spawnSync("sh", ["-c", REDIS_PING_SCRIPT], {
        env: { PATH: process.env.PATH, REDIS_PORT: String(port), ...(auth ? { REDISCLI_AUTH: auth } : {}) },
      }).status;
    assert.deepEqual([probe(primaryPort, "s3cr3t-Pass_word"), probe(replicaPort, "s3cr3t-Pass_word")], [0, 0]);
    assert.notEqual(probe(primaryPort), 0, "without the password PING is refused (NOAUTH)");
    assert.notEqual(probe(await freePort(), "s3cr3t-Pass_word"), 0, "no server, no PONG");
  });
});
