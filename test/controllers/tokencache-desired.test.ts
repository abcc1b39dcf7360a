import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { StatefulSet } from "kubernetes-types/apps/v1.js";
import type { ConfigMap, Service } from "kubernetes-types/core/v1.js";
import { parseAllDocuments } from "yaml";
import type { CacheTier, TokenCache, TokenCacheStatus } from "../../src/apis/inference-ai.js";
import { referenceKey } from "../../src/controllers/runtime/reconciler.js";
import { tokenCacheDesired, tokenCacheReconciler } from "../../src/controllers/tokencache/reconciler.js";
import { DEFAULT_TOKEN_CACHE_SETTINGS } from "../../src/controllers/tokencache/settings.js";
import type { KubeObject } from "../../src/kube/object.js";
import { redisName, redisUrl } from "../../src/tokencache/naming.js";
import { redisTierPlan } from "../../src/tokencache/redis-tier.js";
import { enhanceGpuPod } from "../../webhooks/gpu/enhance.js";
import { EXAMPLES, FIXTURES } from "../support/fixtures.js";
import { gpuPod, NS, stores } from "../support/gpu.js";
import { assertValidKubernetes } from "../support/schema.js";
import { StaticView } from "../support/static-view.js";

const NOW = new Date("2026-01-01T00:00:00Z");

function tokenCache(tiers: CacheTier[], extra: Partial<TokenCache["spec"]> = {}, name = "chat"): TokenCache {
  return {
    apiVersion: "inference.ai/v1alpha1",
    kind: "TokenCache",
    metadata: { name, namespace: "serving", uid: "uid-chat", generation: 2 },
    spec: { tiers, ...extra },
  };
}

function children(cache: TokenCache): KubeObject[] {
  const out = tokenCacheDesired(cache, DEFAULT_TOKEN_CACHE_SETTINGS).children;
  for (const child of out) {
    assertValidKubernetes(child);
    assert.equal(child.metadata?.ownerReferences?.[0]?.uid, "uid-chat");
    assert.equal(child.metadata?.ownerReferences?.[0]?.controller, true);
  }
  return out;
}

const kinds = (objects: KubeObject[]): string[] => objects.map((o) => `${o.kind ?? ""}/${o.metadata?.name ?? ""}`);
const byKind = <T>(objects: KubeObject[], kind: string): T[] => objects.filter((o) => o.kind === kind) as T[];

describe("TokenCache desired(): Redis for redis tiers, nothing for the others", () => {
  it("a redis tier's size is exact in bytes: 8Pi or more is refused, never written as 1.15e+23", () => {
    const plan = (size: string): ReturnType<typeof redisTierPlan> =>
      redisTierPlan(tokenCache([]), { name: "r", type: "redis", size });
    for (const size of ["99999Ei", "2000Ei", "8Pi"]) {
      assert.equal(plan(size).maxmemoryBytes, undefined, size);
      assert.match(plan(size).problems.join(), /8Pi or more/, size);
    }
    assert.equal(plan("7Pi").maxmemoryBytes, 7 * 2 ** 50);
    assert.deepEqual(plan("7Pi").problems, []);
  });

  it("prefix and local tiers need nothing cluster-side; an external Redis neither", () => {
    assert.deepEqual(
      children(
        tokenCache([
          { name: "p", type: "prefix", size: "16Gi" },
          { name: "l", type: "local", size: "1Ti", localConfig: { storageClass: "nvme" } },
        ]),
      ),
      [],
    );
    assert.deepEqual(
      children(tokenCache([{ name: "r", type: "redis", redisConfig: { externalEndpoint: "redis.shared:6380" } }])),
      [],
    );
    assert.deepEqual(children(tokenCache([{ name: "r", type: "redis", host: "redis.cache" }])), []);
    assert.deepEqual(
      children(tokenCache([{ name: "r", type: "redis" }])),
      [],
      "no size: nothing to run (status says why)",
    );
  });

  it("a redis tier: its redis.conf, a StatefulSet of one primary and replicas, a client and a headless Service", () => {
    const cache = tokenCache([{ name: "shared", type: "redis", size: "16Gi", replicas: 3 }], { evictionPolicy: "lfu" });
    const out = children(cache);
    assert.deepEqual(kinds(out), [
      "ConfigMap/chat-shared",
      "StatefulSet/chat-shared",
      "Service/chat-shared",
      "Service/chat-shared-headless",
    ]);
    const [config] = byKind<ConfigMap>(out, "ConfigMap");
    const conf = config!.data!["redis.conf"]!;
    assert.match(conf, /^maxmemory 17179869184$/m);
    assert.match(conf, /^maxmemory-policy allkeys-lfu$/m);
    assert.match(conf, /^save ""$/m);
    assert.match(conf, /^appendonly no$/m);
    const [sts] = byKind<StatefulSet>(out, "StatefulSet");
    assert.equal(sts!.spec!.replicas, 3);
    assert.equal(sts!.spec!.serviceName, "chat-shared-headless");
    const container = sts!.spec!.template.spec!.containers[0]!;
    assert.equal(container.image, "redis:7.2-bookworm");
    assert.deepEqual(container.resources, {
      requests: { cpu: "100m", memory: "19661Mi" },
      limits: { memory: "19661Mi" },
    });
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
    assert.equal(env.PRIMARY_HOST, "chat-shared-0.chat-shared-headless.serving.svc");
    assert.deepEqual(container.readinessProbe?.exec?.command?.slice(0, 2), ["sh", "-c"]);
    assert.equal(sts!.spec!.volumeClaimTemplates, undefined, "no persistence unless asked");
    const [client, headless] = byKind<Service>(out, "Service");
    assert.equal(
      client!.spec!.selector!["statefulset.kubernetes.io/pod-name"],
      "chat-shared-0",
      "writes reach the primary only",
    );
    assert.deepEqual([headless!.spec!.clusterIP, headless!.spec!.publishNotReadyAddresses], ["None", true]);
    assert.equal(
      redisUrl(cache, cache.spec.tiers[0]!, "serving"),
      `redis://${client!.metadata!.name ?? ""}.serving.svc:6379`,
      "pods get that Service",
    );
  });

  it("persistence: AOF and a claim of twice the size per server, deleted with the StatefulSet", () => {
    const out = children(
      tokenCache([{ name: "r", type: "redis", size: "10Gi", redisConfig: { persistenceEnabled: true } }]),
    );
    const [sts] = byKind<StatefulSet>(out, "StatefulSet");
    assert.equal(sts!.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests!.storage, String(20 * 2 ** 30));
    assert.equal(sts!.spec!.persistentVolumeClaimRetentionPolicy?.whenDeleted, "Delete");
    assert.ok(!sts!.spec!.template.spec!.volumes!.some((v) => v.name === "data"), "the claim is the data volume");
    assert.match(
      byKind<ConfigMap>(out, "ConfigMap")[0]!.data!["redis.conf"]!,
      /^appendonly yes\nappendfsync everysec$/m,
    );
  });

  it("the password from the Secret for the servers and the probe; a new Secret or config rolls the servers", () => {
    const tier = (secret: string, size = "1Gi"): CacheTier => ({
      name: "r",
      type: "redis",
      size,
      redisConfig: { passwordSecretRef: { name: secret } },
    });
    const template = (t: CacheTier): NonNullable<StatefulSet["spec"]>["template"] =>
      byKind<StatefulSet>(children(tokenCache([t])), "StatefulSet")[0]!.spec!.template;
    const env = template(tier("auth-v1")).spec!.containers[0]!.env!;
    for (const name of ["REDIS_PASSWORD", "REDISCLI_AUTH"])
      assert.deepEqual(env.find((e) => e.name === name)?.valueFrom, {
        secretKeyRef: { name: "auth-v1", key: "password" },
      });
    assert.notDeepEqual(template(tier("auth-v2")), template(tier("auth-v1")), "rotation: the pod template changes");
    assert.notEqual(
      template(tier("auth-v1", "2Gi")).metadata!.annotations!["inferplane.io/redis-config-hash"],
      template(tier("auth-v1")).metadata!.annotations!["inferplane.io/redis-config-hash"],
    );
  });

  it("names fit Kubernetes: DNS-1035 Service names, StatefulSets short enough for their pods", () => {
    const long = tokenCache([{ name: "Shared_Tier", type: "redis", size: "1Gi" }], {}, `9${"x".repeat(80)}`);
    const name = redisName(long, long.spec.tiers[0]!);
    assert.ok(name.length <= 52 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name), name);
    assert.deepEqual(
      kinds(children(long)).map((k) => k.split("/")[1]!.length <= 63),
      [true, true, true, true],
    );
  });

  it("pods get the URL of the client Service the controller creates: one source for both", () => {
    const odd = tokenCache([{ name: "Shared_Redis", type: "redis", size: "1Gi" }], {}, `1${"long".repeat(20)}`);
    const service = byKind<Service>(children(odd), "Service")[0]!;
    const enhanced = enhanceGpuPod(gpuPod({ "inference.ai/token-cache": odd.metadata.name ?? "" }), NS, stores(odd));
    assert.ok(enhanced.ok);
    const url = enhanced.value.spec!.containers[0]!.env!.find((e) => e.name === "LMCACHE_REMOTE_URL")?.value;
    assert.equal(url, `redis://${service.metadata!.name ?? ""}.${NS}.svc:6379`);
  });

  it("renders the seed's and the example's caches", () => {
    const docs = [join(FIXTURES, "seed-examples.yaml"), join(EXAMPLES, "gpu", "pool-and-caches.yaml")].flatMap((f) =>
      parseAllDocuments(readFileSync(f, "utf8")).map((d) => d.toJS() as KubeObject),
    );
    const caches = docs.filter((d) => d.kind === "TokenCache") as TokenCache[];
    assert.equal(caches.length, 2);
    for (const cache of caches) {
      const out = children({ ...cache, metadata: { ...cache.metadata, namespace: "default", uid: "uid-chat" } });
      assert.deepEqual(
        out.map((o) => o.kind),
        ["ConfigMap", "StatefulSet", "Service", "Service"],
        cache.metadata.name,
      );
      assert.equal(byKind<StatefulSet>(out, "StatefulSet")[0]!.spec!.replicas, 3);
      assert.match(byKind<ConfigMap>(out, "ConfigMap")[0]!.data!["redis.conf"]!, /^maxmemory 536870912000$/m, "500Gi");
    }
  });
});

describe("TokenCache status", () => {
  const reconciler = tokenCacheReconciler();
  const statusOf = (cache: TokenCache, objects: KubeObject[] = []): TokenCacheStatus =>
    reconciler.status(cache, new StaticView([cache, ...objects]), NOW)!;
  const conditions = (s: TokenCacheStatus): string[] =>
    (s.conditions ?? []).map((c) => `${c.type}=${c.status}/${c.reason}`);
  const seedLike = tokenCache(
    [
      { name: "gpu-prefix", type: "prefix", size: "16Gi", ttl: "1h" },
      { name: "distributed", type: "redis", replicas: 3, size: "500Gi", ttl: "168h" },
    ],
    { evictionPolicy: "fifo" },
  );

  function servers(ready: number, primaryReady: boolean): KubeObject[] {
    const sts = byKind<StatefulSet & KubeObject>(children(seedLike), "StatefulSet")[0]!;
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "chat-distributed-0", namespace: "serving" },
      status: { conditions: [{ type: "Ready", status: primaryReady ? "True" : "False" }] },
    };
    return [{ ...sts, status: { replicas: 3, readyReplicas: ready } } as KubeObject, pod];
  }

  it("per tier: ready, endpoint, memory limit, policy, what the mapping costs; the URL pods get", () => {
    const s = statusOf(seedLike, servers(3, true));
    assert.deepEqual(conditions(s), ["Ready=True/TiersReady", "Degraded=False/AsAsked"]);
    assert.equal(s.url, "redis://chat-distributed.serving.svc:6379");
    const redis = s.tiers!.find((t) => t.type === "redis")!;
    assert.deepEqual(
      [redis.ready, redis.endpoint, redis.maxmemoryBytes, redis.maxmemoryPolicy, redis.readyReplicas, redis.replicas],
      [true, s.url, 500 * 2 ** 30, "allkeys-lru", 3, 3],
    );
    assert.match(redis.message!, /Redis has no FIFO eviction/);
    assert.match(redis.message!, /ttl 168h is not enforced/);
    assert.equal(s.observedGeneration, 2);
  });

  it("not ready until the primary is; Degraded while replicas lag or a tier cannot run", () => {
    assert.deepEqual(conditions(statusOf(seedLike)), ["Ready=False/RedisNotReady", "Degraded=False/AsAsked"]);
    assert.deepEqual(conditions(statusOf(seedLike, servers(2, false))), [
      "Ready=False/RedisNotReady",
      "Degraded=False/AsAsked",
    ]);
    assert.deepEqual(conditions(statusOf(seedLike, servers(1, true))), [
      "Ready=True/TiersReady",
      "Degraded=True/ReplicasNotReady",
    ]);
    const sizeless = tokenCache([{ name: "r", type: "redis" }]);
    const s = statusOf(sizeless);
    assert.deepEqual(conditions(s), ["Ready=False/InvalidTier", "Degraded=True/CannotRun"]);
    assert.match(s.conditions![0]!.message ?? "", /needs size/);
  });

  it("a missing password Secret says so, and the controller looks again; unknown (render) says nothing", () => {
    const secured = tokenCache([
      { name: "r", type: "redis", size: "1Gi", redisConfig: { passwordSecretRef: { name: "auth" } } },
    ]);
    const refs = reconciler.references!(secured);
    assert.deepEqual(
      refs.map((r) => `${r.kind.kind} ${r.namespace}/${r.name}`),
      ["Secret serving/auth"],
    );
    const lookups = (found: boolean): Map<string, boolean> => new Map([[referenceKey(refs[0]!), found]]);
    const status = (l?: Map<string, boolean>): TokenCacheStatus =>
      reconciler.status(secured, new StaticView([secured]), NOW, l)!;
    assert.deepEqual(conditions(status(lookups(false))).slice(0, 1), ["Ready=False/SecretMissing"]);
    assert.deepEqual(conditions(status(lookups(true))).slice(0, 1), ["Ready=False/RedisNotReady"]);
    assert.deepEqual(conditions(status()).slice(0, 1), ["Ready=False/RedisNotReady"]);
    const view = new StaticView([secured]);
    assert.equal(reconciler.desired(secured, view, NOW, lookups(false)).recheckAfterMs, 30_000);
    assert.equal(reconciler.desired(secured, view, NOW, lookups(true)).recheckAfterMs, undefined);
  });

  it("an external Redis is ready as given, with the password in the URL pods get", () => {
    const external = tokenCache([
      {
        name: "r",
        type: "redis",
        redisConfig: { externalEndpoint: "rediss://redis.example:6380", passwordSecretRef: { name: "s" } },
      },
    ]);
    const s = statusOf(external);
    assert.equal(s.url, "rediss://:$(LMCACHE_REDIS_PASSWORD)@redis.example:6380");
    assert.deepEqual([s.tiers![0]!.ready, s.tiers![0]!.endpoint], [true, "rediss://redis.example:6380"]);
  });
});
