import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type {
  MutatingWebhookConfiguration,
  ValidatingWebhookConfiguration,
} from "kubernetes-types/admissionregistration/v1.js";
import type { ClusterRole } from "kubernetes-types/rbac/v1.js";
import type { Secret } from "kubernetes-types/core/v1.js";
import { parseCliArgs } from "../../src/cli/main.js";
import { SERVED_KINDS } from "../../src/cluster-view/served-kinds.js";
import { RECONCILERS } from "../../src/controllers/registry.js";
import { LOOP_ACCESS } from "../../src/optimizer/loop/api.js";
import type { KindRef } from "../../src/kube/kind.js";
import { serveConfig } from "../../src/config.js";
import { REPO_ROOT } from "../support/fixtures.js";
import { assertValidKubernetes } from "../support/schema.js";
import { CHART, find, template, type Rendered } from "../support/chart.js";
import { kubeTools, run } from "../support/tools.js";

describe("Helm chart", function () {
  this.timeout(60_000);
  let objects: Rendered[];
  before(() => {
    objects = template();
  });

  it("passes helm lint --strict", () => {
    assert.match(run(kubeTools().helm, ["lint", "--strict", CHART]), /1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it("renders only objects valid by the Kubernetes schemas", () => {
    assert.deepEqual(objects.map((o) => o.kind).sort(), [
      "ClusterRole",
      "ClusterRoleBinding",
      ...Array<string>(10).fill("CustomResourceDefinition"),
      "Deployment",
      "MutatingWebhookConfiguration",
      "PodDisruptionBudget",
      "Role",
      "Role",
      "RoleBinding",
      "Secret",
      "Secret",
      "Service",
      "ServiceAccount",
      "ValidatingWebhookConfiguration",
    ]);
    for (const obj of objects) assertValidKubernetes(obj);
  });

  it("ships the CRDs of crds/ unchanged (one source)", () => {
    const rendered = objects.filter((o) => o.kind === "CustomResourceDefinition");
    const sources = readdirSync(join(REPO_ROOT, "crds"))
      .sort()
      .map((file) => parse(readFileSync(join(REPO_ROOT, "crds", file), "utf8")) as Rendered);
    const byName = (list: Rendered[]): Rendered[] =>
      [...list].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    assert.deepEqual(byName(rendered), byName(sources));
  });

  it("issues one CA: the Secret's ca.crt is every webhook's caBundle, and tls.crt covers the Service", () => {
    const secret = find<Secret>(objects, "Secret", "rel-inferplane-webhook-tls");
    const ca = Buffer.from(secret.data!["ca.crt"]!, "base64").toString();
    const cert = new X509Certificate(Buffer.from(secret.data!["tls.crt"]!, "base64"));
    assert.ok(cert.checkIssued(new X509Certificate(ca)));
    assert.equal(cert.checkHost("rel-inferplane.inferplane-system.svc"), "rel-inferplane.inferplane-system.svc");
    const mutating = find<MutatingWebhookConfiguration>(objects, "MutatingWebhookConfiguration");
    const validating = find<ValidatingWebhookConfiguration>(objects, "ValidatingWebhookConfiguration");
    for (const webhook of [...mutating.webhooks!, ...validating.webhooks!]) {
      assert.equal(Buffer.from(webhook.clientConfig.caBundle!, "base64").toString(), ca, webhook.name);
    }
  });

  it("configures the webhooks as DESIGN §5 says", () => {
    const mutating = find<MutatingWebhookConfiguration>(objects, "MutatingWebhookConfiguration");
    const validating = find<ValidatingWebhookConfiguration>(objects, "ValidatingWebhookConfiguration");
    for (const webhook of [...mutating.webhooks!, ...validating.webhooks!]) {
      assert.equal(webhook.sideEffects, "None");
      assert.deepEqual(webhook.admissionReviewVersions, ["v1"]);
      assert.equal(webhook.timeoutSeconds, 5);
      assert.equal(webhook.failurePolicy, "Fail");
      assert.equal(webhook.matchPolicy, "Equivalent");
      if (webhook.name.startsWith("modelinfers.") || webhook.name.startsWith("gpu-resources."))
        assert.equal(webhook.objectSelector, undefined, "custom resources are validated without opting in");
      else assert.deepEqual(webhook.objectSelector, { matchLabels: { "inference.ai/managed": "true" } });
      assert.deepEqual(webhook.namespaceSelector, {
        matchExpressions: [
          { key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", "inferplane-system"] },
        ],
      });
      assert.deepEqual(webhook.clientConfig.service, {
        name: "rel-inferplane",
        namespace: "inferplane-system",
        path: webhook.name.includes(".mutate.") ? "/mutate" : "/validate",
        port: 443,
      });
    }
    assert.ok(mutating.webhooks!.every((w) => w.reinvocationPolicy === "IfNeeded"));
    assert.deepEqual(
      validating.webhooks!.map((w) => w.name),
      [
        "workloads.validate.inferplane.io",
        "modelinfers.validate.inferplane.io",
        "gpu-resources.validate.inferplane.io",
      ],
    );
    const gpuRules = validating.webhooks!.find((w) => w.name.startsWith("gpu-resources."))!.rules!;
    const crdPlurals = readdirSync(join(REPO_ROOT, "crds"))
      .filter((f) => !f.startsWith("workload."))
      .map((f) => f.replace(/\.yaml$/, "").split("_"))
      .sort();
    assert.deepEqual(
      gpuRules
        .flatMap((rule) => {
          const r = rule as { apiGroups?: string[]; resources?: string[] };
          return (r.resources ?? []).map((res): string[] => [r.apiGroups?.[0] ?? "", res]);
        })
        .sort(),
      crdPlurals,
      "every GPU CRD is validated",
    );
  });

  it("runs the server hardened, highly available and probed on the health port", () => {
    const deployment = find<Deployment>(objects, "Deployment");
    const pod = deployment.spec!.template.spec!;
    const container = pod.containers[0]!;
    assert.equal(deployment.spec!.replicas, 2);
    assert.ok(pod.affinity?.podAntiAffinity);
    assert.equal(pod.securityContext?.runAsNonRoot, true);
    assert.equal(pod.securityContext?.seccompProfile?.type, "RuntimeDefault");
    assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext?.allowPrivilegeEscalation, false);
    assert.deepEqual(container.securityContext?.capabilities?.drop, ["ALL"]);
    assert.ok(container.resources?.requests?.cpu && container.resources.limits?.memory);
    assert.equal(container.readinessProbe?.httpGet?.path, "/readyz");
    assert.equal(container.livenessProbe?.httpGet?.path, "/healthz");
    assert.equal(container.readinessProbe?.httpGet?.port, "metrics");
    const { positionals, values } = parseCliArgs(container.args!);
    assert.deepEqual(positionals, ["serve"]);
    const config = serveConfig(values, { KUBERNETES_SERVICE_HOST: "10.0.0.1" });
    assert.equal(config.manifests, undefined, "in-cluster mode");
    assert.equal(config.serviceName, "rel-inferplane");
    assert.equal(config.shutdownDelayMs, 5000);
  });

  it("lets the controller write only what a ModelInfer owns, and elect on one Lease; nothing when disabled", () => {
    const rules = find<ClusterRole>(objects, "ClusterRole").rules!;
    assert.ok(rules.some((r) => r.resources?.includes("modelinfers/status") && r.verbs.includes("update")));
    const lease = find<{ rules: Array<{ resourceNames?: string[]; verbs: string[] }> } & Rendered>(
      objects,
      "Role",
      "rel-inferplane-leader-election",
    );
    assert.deepEqual(
      lease.rules.map((r) => r.resourceNames ?? []),
      [[], ["inferplane-controller"]],
    );
    const off = template("--set", "controller.enabled=false");
    assert.deepEqual(
      off.filter((o) => o.kind === "Role").map((o) => o.metadata.name),
      ["rel-inferplane-optimizer-client"],
    );
    assert.deepEqual(
      find<ClusterRole>(off, "ClusterRole")
        .rules!.filter((r) => r.verbs.includes("create"))
        .flatMap((r) => r.resources),
      ["tokenreviews", "subjectaccessreviews"],
      "creates nothing but the reviews of its callers' credentials",
    );
    const { values } = parseCliArgs(find<Deployment>(off, "Deployment").spec!.template.spec!.containers[0]!.args!);
    assert.equal(serveConfig(values, { KUBERNETES_SERVICE_HOST: "x" }).controller, false);
  });

  it("runs the optimizer loop only when asked, with Deployments patch and its two ConfigMaps by name", () => {
    const args = (rendered: Rendered[]): ReturnType<typeof serveConfig> =>
      serveConfig(
        parseCliArgs(find<Deployment>(rendered, "Deployment").spec!.template.spec!.containers[0]!.args!).values,
        { KUBERNETES_SERVICE_HOST: "x" },
      );
    assert.equal(args(objects).optimizerIntervalMs, 0, "off by default");
    assert.ok(
      !find<ClusterRole>(objects, "ClusterRole").rules!.some(
        (r) => r.resources?.includes("deployments") && r.verbs.join() === "list,patch",
      ),
    );
    const on = template(
      "--set",
      "optimizer.enabled=true",
      "--set",
      "optimizer.prometheusUrl=http://prometheus.monitoring:9090",
    );
    const config = args(on);
    assert.deepEqual(
      [config.optimizerIntervalMs, config.optimizerConfigMap, config.prometheusUrl],
      [60_000, "inferplane-optimizer", "http://prometheus.monitoring:9090"],
    );
    assert.ok(
      find<ClusterRole>(on, "ClusterRole").rules!.some(
        (r) => r.apiGroups?.includes("apps") && r.resources?.includes("deployments") && r.verbs.join() === "list,patch",
      ),
    );
    const role = find<{ rules: Array<{ resources?: string[]; resourceNames?: string[]; verbs: string[] }> } & Rendered>(
      on,
      "Role",
      "rel-inferplane-leader-election",
    );
    assert.deepEqual(
      role.rules.filter((r) => r.resources?.includes("configmaps")).map((r) => [r.resourceNames ?? [], r.verbs]),
      [
        [
          ["inferplane-optimizer", "inferplane-optimizer-status"],
          ["get", "update"],
        ],
        [[], ["create"]],
      ],
    );
  });

  it("grants the optimizer loop every request it makes (LOOP_ACCESS), only under optimizer.enabled", () => {
    const granted = (rendered: Rendered[]): string[] =>
      find<ClusterRole>(rendered, "ClusterRole").rules!.flatMap((r) =>
        r.resourceNames
          ? []
          : (r.apiGroups ?? []).flatMap((g) =>
              (r.resources ?? []).flatMap((res) => r.verbs.map((v) => `${v} ${g}/${res}`)),
            ),
      );
    const needed = LOOP_ACCESS.flatMap((a) =>
      a.verbs.map((v) => `${v} ${a.kind.group}/${a.kind.plural}${a.subresource ? `/${a.subresource}` : ""}`),
    );
    const on = granted(template("--set", "optimizer.enabled=true"));
    assert.deepEqual(
      needed.filter((n) => !on.includes(n)),
      [],
    );
    const off = granted(objects);
    assert.deepEqual(
      ["patch workload.matrixinfer.ai/modelinfers/scale", "patch inference.ai/inferenceservices"].filter((n) =>
        off.includes(n),
      ),
      [],
      "what only the loop does is not granted without it",
    );
  });

  it("runs the GPUPool and TokenCache controllers as values say; node writes only when asked", () => {
    const config = (rendered: Rendered[]): ReturnType<typeof serveConfig> =>
      serveConfig(
        parseCliArgs(find<Deployment>(rendered, "Deployment").spec!.template.spec!.containers[0]!.args!).values,
        { KUBERNETES_SERVICE_HOST: "x" },
      );
    const patchesNodes = (rendered: Rendered[]): boolean =>
      find<ClusterRole>(rendered, "ClusterRole").rules!.some(
        (r) => r.resources?.includes("nodes") && r.verbs.includes("patch"),
      );
    const defaults = config(objects).controllers;
    assert.deepEqual(
      [defaults.gpuPool.namespace, defaults.gpuPool.nodeWrites, defaults.tokenCache.redisImage],
      ["gpu-operator", false, "redis:7.2-bookworm"],
    );
    assert.equal(patchesNodes(objects), false, "no node writes by default");
    const on = template(
      "--set",
      "gpuPool.nodeWrites=true",
      "--set",
      "gpuPool.gpuOperatorNamespace=nvidia-gpu-operator",
      "--set",
      "tokenCache.redisImage=valkey/valkey:8",
    );
    const set = config(on).controllers;
    assert.deepEqual(
      [set.gpuPool.namespace, set.gpuPool.nodeWrites, set.tokenCache.redisImage],
      ["nvidia-gpu-operator", true, "valkey/valkey:8"],
    );
    assert.equal(patchesNodes(on), true);
    const rules = find<ClusterRole>(objects, "ClusterRole").rules!;
    for (const [group, resource] of [
      ["", "configmaps"],
      ["", "services"],
      ["apps", "statefulsets"],
    ] as const)
      assert.ok(
        rules.some((r) => r.apiGroups?.includes(group) && r.resources?.includes(resource) && r.verbs.includes("patch")),
        `server-side apply of ${resource} needs patch`,
      );
  });

  it("grants every controller what the runtime does with its kinds, from the registry and the view's kinds", () => {
    const rules = find<ClusterRole>(objects, "ClusterRole").rules!;
    const allows = (kind: KindRef, verb: string, subresource = ""): boolean =>
      rules.some(
        (r) =>
          r.apiGroups?.includes(kind.group) &&
          r.resources?.includes(subresource ? `${kind.plural}/${subresource}` : kind.plural) &&
          r.verbs.includes(verb) &&
          !r.resourceNames,
      );
    const needed = [
      ...SERVED_KINDS.flatMap(({ kind }) => ["list", "watch"].map((verb) => ({ kind, verb, sub: "" }))),
      ...RECONCILERS.map((r) => ({ kind: r.kind, verb: "update", sub: "status" })),
      ...RECONCILERS.flatMap((r) =>
        r.owns.flatMap((kind) => ["create", "patch", "delete"].map((verb) => ({ kind, verb, sub: "" }))),
      ),
    ];
    const missing = needed
      .filter((n) => !allows(n.kind, n.verb, n.sub))
      .map((n) => `${n.verb} ${n.kind.plural}${n.sub ? `/${n.sub}` : ""}`);
    assert.deepEqual(missing, []);
  });

  it("grants least privilege: no wildcards", () => {
    const role = find<ClusterRole>(objects, "ClusterRole");
    for (const rule of role.rules!) {
      for (const field of [rule.apiGroups, rule.resources, rule.verbs])
        assert.ok(!field?.includes("*"), JSON.stringify(rule));
    }
  });

  it("uses an existing Secret and caBundle when given, rendering no Secret", () => {
    const own = template(
      "--set",
      "webhook.certificate.existingSecret=my-tls",
      "--set",
      "webhook.certificate.caBundle=Zm9v",
    );
    assert.equal(own.filter((o) => o.kind === "Secret").length, 0);
    const deployment = find<Deployment>(own, "Deployment");
    assert.equal(deployment.spec!.template.spec!.volumes![0]!.secret!.secretName, "my-tls");
    assert.equal(
      find<MutatingWebhookConfiguration>(own, "MutatingWebhookConfiguration").webhooks![0]!.clientConfig.caBundle,
      "Zm9v",
    );
  });
});
