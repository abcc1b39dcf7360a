import assert from "node:assert/strict";
import { enhance, env, gpuPod, tokenCache } from "../support/gpu.js";

describe("KV-cache tiers (LMCache) on admission", () => {
  const cache = tokenCache("chat", {
    tiers: [
      { name: "gpu", type: "prefix", size: "16Gi" },
      { name: "nvme", type: "local", size: "100Gi", ttl: "24h" },
      { name: "shared", type: "redis", replicas: 3 },
    ],
    warmup: { enabled: true, commonPrefixes: ["You are a helpful assistant", 'Answer in "JSON"'] },
  });

  it("sets LMCache's env (plain GB numbers), a local-disk volume, the vLLM flags and a warmup sidecar", () => {
    const { pod, engine } = enhance(
      gpuPod({ "inference.ai/token-cache": "chat" }, { args: ["--port", "8080"] }),
      cache,
    );
    assert.deepEqual(env(engine), {
      LMCACHE_CHUNK_SIZE: "256",
      LMCACHE_LOCAL_CPU: "True",
      LMCACHE_MAX_LOCAL_CPU_SIZE: "16.0",
      LMCACHE_LOCAL_DISK: "file:///var/cache/lmcache/",
      LMCACHE_MAX_LOCAL_DISK_SIZE: "100.0",
      LMCACHE_REMOTE_URL: "redis://chat-shared.serving.svc:6379",
      LMCACHE_REMOTE_SERDE: "naive",
    });
    assert.deepEqual(engine.args, [
      "--port",
      "8080",
      "--enable-prefix-caching",
      "--kv-transfer-config",
      '{"kv_connector":"LMCacheConnectorV1","kv_role":"kv_both"}',
    ]);
    assert.deepEqual(pod.spec!.volumes, [{ name: "lmcache-local", emptyDir: { sizeLimit: "100Gi" } }]);
    assert.deepEqual(engine.volumeMounts, [{ name: "lmcache-local", mountPath: "/var/cache/lmcache" }]);
    const sidecar = pod.spec!.initContainers![0]!;
    assert.deepEqual([sidecar.name, sidecar.restartPolicy], ["lmcache-warmup", "Always"]);
    const vars = Object.fromEntries(sidecar.env!.map((e) => [e.name, e.value]));
    assert.equal(vars.ENGINE_PORT, "8080");
    assert.equal(vars.WARMUP_COUNT, "2");
    assert.deepEqual(JSON.parse(vars.WARMUP_BODY_1!), {
      model: "meta-llama/Llama-3.1-8B-Instruct",
      prompt: 'Answer in "JSON"',
      max_tokens: 1,
    });
  });

  it("sizes each worker's tiers: TP 4 runs four LMCache workers, each with a quarter of the tier", () => {
    // LMCache allocates max_local_cpu_size * 1024**3 bytes, and max_local_disk_size * 1024**3 of
    // disk, per worker process (one per GPU rank; LMCache v1 LocalCPUBackend / LocalDiskBackend).
    // The tier's size is the pod's: 16Gi over 4 workers is 4.0 each, the emptyDir keeps 100Gi.
    const { pod, engine } = enhance(
      gpuPod({ "inference.ai/token-cache": "chat" }, { args: ["--tensor-parallel-size", "4"] }),
      cache,
    );
    assert.equal(env(engine).LMCACHE_MAX_LOCAL_CPU_SIZE, "4.0");
    assert.equal(env(engine).LMCACHE_MAX_LOCAL_DISK_SIZE, "25.0");
    assert.deepEqual(pod.spec!.volumes, [{ name: "lmcache-local", emptyDir: { sizeLimit: "100Gi" } }]);
    const fromGpus = enhance(
      gpuPod(
        { "inference.ai/token-cache": "chat", "inference.ai/gpu-count": "8" },
        { args: ["--pipeline-parallel-size", "2"] },
      ),
      cache,
    );
    assert.equal(env(fromGpus.engine).LMCACHE_MAX_LOCAL_CPU_SIZE, "1.0", "8 GPUs give TP 8, times PP 2: 16 workers");
  });

  it("a password from the Secret in the URL, an external Redis as given, a local tier on its StorageClass and path", () => {
    const secured = tokenCache("c", {
      tiers: [
        {
          name: "nvme",
          type: "local",
          size: "200Gi",
          localConfig: { storageClass: "local-nvme", mountPath: "/mnt/kv/" },
        },
        { name: "r", type: "redis", size: "1Gi", redisConfig: { passwordSecretRef: { name: "redis-auth" } } },
      ],
    });
    const { pod, engine } = enhance(gpuPod({ "inference.ai/token-cache": "c" }), secured);
    const names = (engine.env ?? []).map((e) => e.name);
    assert.ok(names.indexOf("LMCACHE_REDIS_PASSWORD") < names.indexOf("LMCACHE_REMOTE_URL"), "defined before its use");
    assert.deepEqual(engine.env!.find((e) => e.name === "LMCACHE_REDIS_PASSWORD")?.valueFrom, {
      secretKeyRef: { name: "redis-auth", key: "password" },
    });
    assert.equal(env(engine).LMCACHE_REMOTE_URL, "redis://:$(LMCACHE_REDIS_PASSWORD)@c-r.serving.svc:6379");
    assert.equal(env(engine).LMCACHE_LOCAL_DISK, "file:///mnt/kv/");
    assert.deepEqual(pod.spec!.volumes, [
      {
        name: "lmcache-local",
        ephemeral: {
          volumeClaimTemplate: {
            spec: {
              accessModes: ["ReadWriteOnce"],
              storageClassName: "local-nvme",
              resources: { requests: { storage: "200Gi" } },
            },
          },
        },
      },
    ]);
    assert.deepEqual(engine.volumeMounts, [{ name: "lmcache-local", mountPath: "/mnt/kv" }]);
    const external = tokenCache("e", {
      tiers: [{ name: "r", type: "redis", redisConfig: { externalEndpoint: "redis.shared:6380" } }],
    });
    assert.equal(
      env(enhance(gpuPod({ "inference.ai/token-cache": "e" }), external).engine).LMCACHE_REMOTE_URL,
      "redis://redis.shared:6380",
    );
  });

  it("converts decimal sizes to LMCache's GB (GiB) rounding down; a redis tier may name its host; no warmup without prefixes", () => {
    const plain = tokenCache("c", {
      tiers: [
        { name: "p", type: "prefix", size: "5G" },
        { name: "r", type: "redis", host: "redis.cache" },
      ],
    });
    const { pod, engine } = enhance(gpuPod({ "inference.ai/token-cache": "c" }), plain);
    // 5G = 5·10^9 bytes = 4.656… GiB: 4.65, never above what was configured.
    assert.equal(env(engine).LMCACHE_MAX_LOCAL_CPU_SIZE, "4.65");
    assert.equal(env(engine).LMCACHE_REMOTE_URL, "redis://redis.cache:6379");
    assert.equal(pod.spec!.initContainers, undefined);
  });
  it("the warmup sidecar reads --port only as plain decimal digits, else the backend's default port", () => {
    // Number("0x1F90") is 8080, but vLLM's argparse int() refuses it: the engine never listens there.
    const portOf = (port: string): string | undefined => {
      const { pod } = enhance(gpuPod({ "inference.ai/token-cache": "chat" }, { args: ["--port", port] }), cache);
      return pod.spec!.initContainers![0]!.env!.find((e) => e.name === "ENGINE_PORT")?.value;
    };
    assert.equal(portOf("8081"), "8081");
    for (const port of ["0x1F90", "8.08e3", "65536", "0"]) assert.equal(portOf(port), "8000", port);
  });
});
