import { strict as assert } from "node:assert";
import type { StatefulSet } from "kubernetes-types/apps/v1.js";
import type { TokenCache, TokenCacheStatus } from "../../src/apis/inference-ai.js";
import { tokenCacheReconciler } from "../../src/controllers/tokencache/reconciler.js";
import type { ApiDouble, StoredObject } from "../support/api-double.js";
import { controllerHarness, type Harness } from "../support/controller-harness.js";
import { assertValidKubernetes } from "../support/schema.js";
import { waitFor } from "../support/test-server.js";

const CACHES = "inference.ai/v1alpha1/tokencaches";
const STATEFUL_SETS = "apps/v1/statefulsets";
const SERVICES = "v1/services";
const CONFIG_MAPS = "v1/configmaps";
const PODS = "v1/pods";
const SECRETS = "v1/secrets";

function cache(tier: Record<string, unknown>): StoredObject {
  return {
    apiVersion: "inference.ai/v1alpha1",
    kind: "TokenCache",
    metadata: { name: "chat", namespace: "serving" },
    spec: {
      tiers: [
        { name: "gpu", type: "prefix", size: "16Gi" },
        { name: "shared", type: "redis", size: "1Gi", ...tier },
      ],
      evictionPolicy: "lru",
    },
  };
}

describe("TokenCache controller (against the API double)", function () {
  this.timeout(20_000);
  let api: ApiDouble;
  let harness: Harness<TokenCache, TokenCacheStatus>;

  beforeEach(async () => {
    harness = await controllerHarness(tokenCacheReconciler());
    api = harness.api;
    await harness.run();
  });
  afterEach(() => harness.stop());

  const sts = (): StatefulSet | undefined =>
    api.get(STATEFUL_SETS, "serving", "chat-shared") as StatefulSet | undefined;
  const statusOf = (): TokenCacheStatus | undefined =>
    api.get(CACHES, "serving", "chat")?.status as TokenCacheStatus | undefined;
  const ready = (): string | undefined => statusOf()?.conditions?.find((c) => c.type === "Ready")?.reason;

  it("runs a redis tier (config, servers, Services), reports it ready once the primary is, scales it", async () => {
    api.create(CACHES, cache({ replicas: 2 }));
    await waitFor(() => sts() !== undefined && api.list(SERVICES).length === 2 && ready() === "RedisNotReady", 5000);
    for (const obj of [...api.list(STATEFUL_SETS), ...api.list(SERVICES), ...api.list(CONFIG_MAPS)])
      assertValidKubernetes(obj);
    assert.deepEqual(
      api
        .list(SERVICES)
        .map((s) => s.metadata.name)
        .sort(),
      ["chat-shared", "chat-shared-headless"],
    );
    assert.equal(sts()!.spec!.replicas, 2);
    // The StatefulSet controller's work, as the API would show it.
    api.create(PODS, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "chat-shared-0", namespace: "serving" },
      spec: { containers: [{ name: "redis", image: "redis:7.2-bookworm" }] },
      status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
    });
    api.update(STATEFUL_SETS, "serving", "chat-shared", (s) => {
      s.status = { replicas: 2, readyReplicas: 1 };
    });
    await waitFor(() => ready() === "TiersReady", 5000);
    assert.equal(statusOf()!.conditions!.find((c) => c.type === "Degraded")?.reason, "ReplicasNotReady");
    assert.equal(statusOf()!.url, "redis://chat-shared.serving.svc:6379");
    api.update(CACHES, "serving", "chat", (c) => {
      (c.spec as TokenCache["spec"]).tiers[1]!.replicas = 3;
    });
    await waitFor(() => sts()?.spec?.replicas === 3, 5000);
  });

  it("rolls the servers to a new password Secret, and removes the servers with the tier", async () => {
    api.create(CACHES, cache({ redisConfig: { passwordSecretRef: { name: "auth-v1" } } }));
    const secretOf = (): string | undefined =>
      sts()?.spec?.template.spec?.containers[0]?.env?.find((e) => e.name === "REDIS_PASSWORD")?.valueFrom?.secretKeyRef
        ?.name;
    await waitFor(() => secretOf() === "auth-v1" && ready() === "SecretMissing", 5000);
    assert.match(statusOf()!.conditions![0]!.message ?? "", /Secret auth-v1 \(passwordSecretRef\) does not exist/);
    const reads = api.requests.filter((r) => r === "GET /api/v1/namespaces/serving/secrets/auth-v1").length;
    assert.ok(reads > 0, "read by name");
    assert.ok(!api.requests.some((r) => r === "GET /api/v1/secrets"), "never listed");
    api.create(SECRETS, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "auth-v1", namespace: "serving" },
      data: { password: "czNjcjN0" },
    });
    harness.controller.enqueue("serving/chat");
    await waitFor(() => ready() === "RedisNotReady", 5000);
    api.update(CACHES, "serving", "chat", (c) => {
      (c.spec as TokenCache["spec"]).tiers[1]!.redisConfig = { passwordSecretRef: { name: "auth-v2", key: "pw" } };
    });
    await waitFor(() => secretOf() === "auth-v2", 5000);
    await waitFor(() => statusOf()?.url === "redis://:$(LMCACHE_REDIS_PASSWORD)@chat-shared.serving.svc:6379", 5000);
    api.update(CACHES, "serving", "chat", (c) => {
      (c.spec as TokenCache["spec"]).tiers.pop();
    });
    await waitFor(() => !sts() && api.list(SERVICES).length === 0 && api.list(CONFIG_MAPS).length === 0, 5000);
    await waitFor(() => ready() === "TiersReady" && statusOf()?.url === undefined, 5000);
  });

  it("deleting the TokenCache deletes its servers (owner references)", async () => {
    api.create(CACHES, cache({}));
    await waitFor(() => sts() !== undefined && api.list(SERVICES).length === 2, 5000);
    api.delete(CACHES, "serving", "chat");
    await waitFor(() => !sts() && api.list(SERVICES).length === 0 && api.list(CONFIG_MAPS).length === 0, 5000);
  });
});
