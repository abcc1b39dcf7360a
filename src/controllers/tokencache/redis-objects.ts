import { createHash } from "node:crypto";
import type { StatefulSet } from "kubernetes-types/apps/v1.js";
import type { ConfigMap, Container, EnvVar, Service } from "kubernetes-types/core/v1.js";
import type { CacheTier, TokenCache } from "../../apis/inference-ai.js";
import type { KubeObject } from "../../kube/object.js";
import { controllerReference } from "../../kube/owner.js";
import { REDIS_PORT, redisHeadlessName, redisName, redisPrimaryHost } from "../../tokencache/naming.js";
import type { RedisTierPlan } from "../../tokencache/redis-tier.js";
import {
  REDIS_CONFIG_PATH,
  REDIS_DATA_PATH,
  REDIS_PING_SCRIPT,
  REDIS_START_SCRIPT,
  redisConfig,
} from "./redis-server.js";

/** The pod label the StatefulSet controller sets to each pod's name: the client Service selects the primary by it. */
const LABEL_POD_NAME = "statefulset.kubernetes.io/pod-name";
const CONFIG_HASH = "inferplane.io/redis-config-hash";
/** The official redis image's `redis` user and group. */
const REDIS_UID = 999;
const MEBIBYTE = 2 ** 20;

function selectorLabels(cache: TokenCache, tier: CacheTier): Record<string, string> {
  return { "app.kubernetes.io/name": "redis", "app.kubernetes.io/instance": redisName(cache, tier) };
}

function metadata(cache: TokenCache, tier: CacheTier, name: string, namespace: string): KubeObject["metadata"] {
  return {
    name,
    namespace,
    labels: {
      ...selectorLabels(cache, tier),
      "app.kubernetes.io/component": "token-cache",
      "app.kubernetes.io/part-of": "inferplane",
    },
    ownerReferences: [controllerReference(cache)],
  };
}

/** The memory a server may use: maxmemory plus 20% (at least 64Mi) for buffers, fragmentation and replication, in Mi. */
export function serverMemory(plan: RedisTierPlan): string {
  const max = plan.maxmemoryBytes ?? 0;
  return `${Math.ceil((max + Math.max(64 * MEBIBYTE, max * 0.2)) / MEBIBYTE)}Mi`;
}

function env(cache: TokenCache, tier: CacheTier, plan: RedisTierPlan, namespace: string): EnvVar[] {
  const vars: EnvVar[] = [
    { name: "REDIS_CONFIG", value: REDIS_CONFIG_PATH },
    { name: "REDIS_PORT", value: String(REDIS_PORT) },
    { name: "PRIMARY_HOST", value: redisPrimaryHost(cache, tier, namespace) },
    { name: "PRIMARY_PORT", value: String(REDIS_PORT) },
  ];
  if (!plan.password) return vars;
  const secretKeyRef = { name: plan.password.name, key: plan.password.key };
  return [
    ...vars,
    { name: "REDIS_PASSWORD", valueFrom: { secretKeyRef } },
    { name: "REDISCLI_AUTH", valueFrom: { secretKeyRef } },
  ];
}

function serverContainer(
  cache: TokenCache,
  tier: CacheTier,
  plan: RedisTierPlan,
  namespace: string,
  image: string,
): Container {
  const probe = { exec: { command: ["sh", "-c", REDIS_PING_SCRIPT] }, timeoutSeconds: 5 };
  const memory = serverMemory(plan);
  return {
    name: "redis",
    image,
    command: ["sh", "-c", REDIS_START_SCRIPT, "redis-start"],
    workingDir: REDIS_DATA_PATH,
    env: env(cache, tier, plan, namespace),
    ports: [{ name: "redis", containerPort: REDIS_PORT, protocol: "TCP" }],
    // Loading a large AOF answers LOADING: the startup probe waits up to 30 minutes before liveness counts.
    startupProbe: { ...probe, periodSeconds: 5, failureThreshold: 360 },
    readinessProbe: { ...probe, periodSeconds: 5, failureThreshold: 2 },
    livenessProbe: { ...probe, periodSeconds: 10, failureThreshold: 6 },
    resources: { requests: { cpu: "100m", memory }, limits: { memory } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
    volumeMounts: [
      { name: "config", mountPath: "/etc/redis", readOnly: true },
      { name: "data", mountPath: REDIS_DATA_PATH },
    ],
  };
}

/** The generated redis.conf, key `redis.conf`. */
export function redisConfigMap(
  cache: TokenCache,
  tier: CacheTier,
  plan: RedisTierPlan,
  namespace: string,
): ConfigMap & KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: metadata(cache, tier, redisName(cache, tier), namespace),
    data: { "redis.conf": redisConfig(cache, tier, plan, namespace) },
  };
}

/**
 * The tier's servers: one primary (ordinal 0) and replicas following it, each with the
 * generated config; the pod template carries the config's hash, so a new config rolls them.
 * With persistence each server has a PersistentVolumeClaim of twice the size (the AOF and its
 * rewrite), deleted with the StatefulSet; without, an emptyDir.
 */
export function redisStatefulSet(
  cache: TokenCache,
  tier: CacheTier,
  plan: RedisTierPlan,
  namespace: string,
  image: string,
): StatefulSet & KubeObject {
  const name = redisName(cache, tier);
  const hash = createHash("sha256")
    .update(redisConfig(cache, tier, plan, namespace))
    .digest("hex")
    .slice(0, 16);
  const claim = {
    metadata: { name: "data", labels: selectorLabels(cache, tier) },
    spec: {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: String(2 * (plan.maxmemoryBytes ?? 0)) } },
    },
  };
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: metadata(cache, tier, name, namespace),
    spec: {
      serviceName: redisHeadlessName(cache, tier),
      replicas: plan.servers,
      selector: { matchLabels: selectorLabels(cache, tier) },
      template: {
        metadata: { labels: metadata(cache, tier, name, namespace)?.labels, annotations: { [CONFIG_HASH]: hash } },
        spec: {
          securityContext: {
            runAsNonRoot: true,
            runAsUser: REDIS_UID,
            runAsGroup: REDIS_UID,
            fsGroup: REDIS_UID,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [serverContainer(cache, tier, plan, namespace, image)],
          volumes: [
            { name: "config", configMap: { name } },
            ...(plan.persistence ? [] : [{ name: "data", emptyDir: {} }]),
          ],
        },
      },
      ...(plan.persistence
        ? {
            volumeClaimTemplates: [claim],
            persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" },
          }
        : {}),
    },
  };
}

/**
 * The client Service (`<name>`, the primary only: replicas refuse writes) LMCache connects to,
 * and the headless one that names each server (`<name>-headless`, not-ready servers included,
 * so a replica finds a starting primary).
 */
export function redisServices(cache: TokenCache, tier: CacheTier, namespace: string): (Service & KubeObject)[] {
  const ports = [{ name: "redis", port: REDIS_PORT, targetPort: "redis", protocol: "TCP" }];
  const name = redisName(cache, tier);
  return [
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: metadata(cache, tier, name, namespace),
      spec: { type: "ClusterIP", selector: { ...selectorLabels(cache, tier), [LABEL_POD_NAME]: `${name}-0` }, ports },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: metadata(cache, tier, redisHeadlessName(cache, tier), namespace),
      spec: { clusterIP: "None", publishNotReadyAddresses: true, selector: selectorLabels(cache, tier), ports },
    },
  ];
}
