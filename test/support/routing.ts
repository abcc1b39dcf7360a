import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { Pod, Service } from "kubernetes-types/core/v1.js";
import type { InferenceGateway, StackInferenceService, StaticRoute } from "../../src/apis/production-stack.js";
import type { KubeObject } from "../../src/kube/object.js";
import { FIXTURES } from "./fixtures.js";

/** The seed examples (test/fixtures/seed-examples.yaml) of one kind. */
export function seedExamples<T extends KubeObject>(kind: string): T[] {
  return parseAllDocuments(readFileSync(join(FIXTURES, "seed-examples.yaml"), "utf8"))
    .map((d) => d.toJS() as KubeObject)
    .filter((o) => o.kind === kind) as T[];
}

export function seedGateway(namespace = "default"): InferenceGateway {
  const gw = seedExamples<InferenceGateway>("InferenceGateway")[0]!;
  return { ...gw, metadata: { ...gw.metadata, namespace, uid: "gw-uid", generation: 1 } };
}

export function seedStaticRoute(namespace = "default"): StaticRoute {
  const route = seedExamples<StaticRoute>("StaticRoute")[0]!;
  return { ...route, metadata: { ...route.metadata, namespace, uid: "route-uid", generation: 1 } };
}

/** A production-stack InferenceService over backend Service `backend`. */
export function stackService(
  name: string,
  model: string,
  backend: unknown,
  namespace = "default",
): StackInferenceService {
  return {
    apiVersion: "production-stack.vllm.ai/v1alpha1",
    kind: "InferenceService",
    metadata: { name, namespace },
    spec: { modelName: model, backendRef: backend },
  };
}

/** A Service selecting `app: <name>` on port `port` → targetPort "http". */
export function backendService(name: string, port = 8000, namespace = "default"): Service & KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace },
    spec: { selector: { app: name }, ports: [{ name: "http", port, targetPort: "http" }] },
  };
}

/** A Running engine pod labelled `app: <app>`, serving on a container port named http. */
export function enginePod(name: string, app: string, ready = true, namespace = "default"): Pod & KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels: { app } },
    spec: { containers: [{ name: "vllm", image: "vllm/vllm-openai", ports: [{ name: "http", containerPort: 8000 }] }] },
    status: { phase: "Running", conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
  };
}

/** A pod's vLLM cache metrics: prefix-cache queries and hits per second, and its KV-cache usage (0–1). */
export interface CachePodMetrics {
  namespace: string;
  pod: string;
  queriesPerSecond: number;
  hitsPerSecond: number;
  kvCacheUsage: number;
}

/** An HTTP /metrics endpoint with vLLM's cache series for these pods, counters growing at their rates. */
export async function serveCacheMetrics(
  pods: readonly CachePodMetrics[],
): Promise<{ target: string; close(): Promise<void> }> {
  const started = Date.now();
  const server = createServer((_req, res) => {
    const seconds = (Date.now() - started) / 1000;
    const labels = (p: CachePodMetrics): string => `{namespace="${p.namespace}",pod="${p.pod}",model_name="m"}`;
    const lines = [
      "# TYPE vllm:prefix_cache_queries counter",
      ...pods.map((p) => `vllm:prefix_cache_queries_total${labels(p)} ${p.queriesPerSecond * seconds}`),
      "# TYPE vllm:prefix_cache_hits counter",
      ...pods.map((p) => `vllm:prefix_cache_hits_total${labels(p)} ${p.hitsPerSecond * seconds}`),
      "# TYPE vllm:kv_cache_usage_perc gauge",
      ...pods.map((p) => `vllm:kv_cache_usage_perc${labels(p)} ${p.kvCacheUsage}`),
    ];
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
    res.end(`${lines.join("\n")}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    target: `127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
