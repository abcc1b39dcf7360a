import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, parseAllDocuments, stringify } from "yaml";
import type { ClusterRole } from "kubernetes-types/rbac/v1.js";
import { SERIES } from "../../src/controllers/inferenceservice/autoscaler.js";
import { SERVED_KINDS } from "../../src/cluster-view/served-kinds.js";
import { REPO_ROOT } from "../support/fixtures.js";
import { assertValidKubernetes } from "../support/schema.js";
import { kubeTools, run } from "../support/tools.js";

interface Rendered {
  kind: string;
  metadata: { name: string };
  spec?: { groups: unknown[] };
  data?: Record<string, string>;
  rules?: ClusterRole["rules"];
}

const PROMTOOL = process.env.PROMTOOL_BIN ?? "/usr/bin/promtool";

function render(...set: string[]): Rendered[] {
  const out = run(kubeTools().helm, [
    "template",
    "rel",
    join(REPO_ROOT, "charts", "inferplane"),
    "-n",
    "inferplane-system",
    ...set.flatMap((s) => ["--set", s]),
  ]);
  return parseAllDocuments(out)
    .map((d) => d.toJS() as Rendered | null)
    .filter((d): d is Rendered => d !== null);
}

/** Series an engine, dcgm-exporter and kube-state-metrics export for one InferenceService pod, every 30 s. */
const INPUT = [
  { series: 'kube_pod_labels{namespace="ml",pod="chat-1",label_inference_ai_inferenceservice="chat"}', values: "1x10" },
  { series: 'kube_pod_labels{namespace="ml",pod="chat-2",label_inference_ai_inferenceservice="chat"}', values: "1x10" },
  { series: 'DCGM_FI_DEV_GPU_UTIL{namespace="ml",pod="chat-1",gpu="0"}', values: "60x10" },
  { series: 'DCGM_FI_DEV_GPU_UTIL{namespace="ml",pod="chat-1",gpu="1"}', values: "80x10" },
  { series: 'DCGM_FI_DEV_GPU_UTIL{namespace="ml",pod="chat-2",gpu="0"}', values: "100x10" },
  { series: 'DCGM_FI_DEV_FB_USED{namespace="ml",pod="chat-1",gpu="0"}', values: "1024x10" },
  { series: 'vllm:num_requests_waiting{namespace="ml",pod="chat-1",model_name="m"}', values: "4x10" },
  { series: 'vllm:num_requests_waiting{namespace="ml",pod="chat-2",model_name="m"}', values: "2x10" },
  {
    series:
      'kube_pod_container_resource_requests{namespace="ml",pod="chat-1",container="engine",resource="nvidia_com_gpu"}',
    values: "2x10",
  },
];

describe("Helm chart: InferenceService metrics and autoscaling rules", function () {
  this.timeout(60_000);

  it("a PrometheusRule that promtool accepts and whose rules compute the seed's metrics from real series", () => {
    const objects = render("metrics.prometheusRule.enabled=true");
    const rule = objects.find((o) => o.kind === "PrometheusRule")!;
    const dir = mkdtempSync(join(tmpdir(), "rules-"));
    writeFileSync(join(dir, "rules.yaml"), stringify({ groups: rule.spec!.groups }));
    execFileSync(PROMTOOL, ["check", "rules", join(dir, "rules.yaml")], { stdio: "pipe" });
    const test = {
      rule_files: ["rules.yaml"],
      evaluation_interval: "30s",
      tests: [
        {
          interval: "30s",
          input_series: INPUT,
          promql_expr_test: [
            {
              expr: "inference:pod_gpu_utilization",
              eval_time: "2m",
              exp_samples: [
                {
                  labels: 'inference:pod_gpu_utilization{namespace="ml",pod="chat-1",inferenceservice="chat"}',
                  value: 70,
                },
                {
                  labels: 'inference:pod_gpu_utilization{namespace="ml",pod="chat-2",inferenceservice="chat"}',
                  value: 100,
                },
              ],
            },
            {
              expr: "inference_gpu_utilization",
              eval_time: "2m",
              exp_samples: [{ labels: 'inference_gpu_utilization{namespace="ml",inferenceservice="chat"}', value: 85 }],
            },
            {
              expr: "inference_gpu_memory_used_bytes",
              eval_time: "2m",
              exp_samples: [
                {
                  labels: 'inference_gpu_memory_used_bytes{namespace="ml",inferenceservice="chat"}',
                  value: 1073741824,
                },
              ],
            },
            {
              expr: 'sum(inference:pod_queue_depth{namespace="ml",inferenceservice="chat"})',
              eval_time: "2m",
              exp_samples: [{ labels: "{}", value: 6 }],
            },
            {
              expr: "inference_gpu_allocations_total",
              eval_time: "2m",
              exp_samples: [
                { labels: 'inference_gpu_allocations_total{namespace="ml",inferenceservice="chat"}', value: 2 },
              ],
            },
          ],
        },
      ],
    };
    writeFileSync(join(dir, "test.yaml"), stringify(test));
    execFileSync(PROMTOOL, ["test", "rules", join(dir, "test.yaml")], { stdio: "pipe", cwd: dir });
  });

  it("prometheus-adapter rules serve, under the HPA's names, the series KEDA's queries read", () => {
    const config = render("prometheusAdapter.rules.enabled=true").find(
      (o) => o.kind === "ConfigMap" && o.data?.["config.yaml"],
    );
    assertValidKubernetes(config as never);
    const rules = (parse(config!.data!["config.yaml"]!) as { rules: { seriesQuery: string; name: { as: string } }[] })
      .rules;
    assert.deepEqual(
      rules.map((r) => [r.seriesQuery.split("{")[0], r.name.as]),
      Object.values(SERIES).map((s) => [s.recorded, s.adapter]),
    );
  });

  it("lets the cluster view watch every kind it serves, and nothing is off by default", () => {
    const objects = render();
    assert.ok(
      !objects.some((o) => o.kind === "PrometheusRule" || o.metadata.name.endsWith("-prometheus-adapter-rules")),
    );
    const rules = objects.find((o) => o.kind === "ClusterRole")!.rules!;
    for (const { kind } of SERVED_KINDS) {
      const granted = rules.some(
        (r) =>
          r.apiGroups?.includes(kind.group) &&
          r.resources?.includes(kind.plural) &&
          ["get", "list", "watch"].every((v) => r.verbs.includes(v)),
      );
      assert.ok(granted, `${kind.plural}.${kind.group} not watchable`);
    }
    const secrets = rules.filter((r) => r.resources?.includes("secrets"));
    assert.deepEqual(
      secrets.map((r) => r.verbs),
      [["get"]],
      "Secrets are read by name, never listed or watched",
    );
  });
});
