import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { MutatingWebhookConfiguration } from "kubernetes-types/admissionregistration/v1.js";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { Service } from "kubernetes-types/core/v1.js";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import type { NetworkPolicy } from "kubernetes-types/networking/v1.js";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1.js";
import type { ClusterRole } from "kubernetes-types/rbac/v1.js";
import { parseCliArgs } from "../../src/cli/main.js";
import { serveConfig } from "../../src/config.js";
import { desiredGroup } from "../../src/controllers/modelinfer/desired.js";
import { REPO_ROOT } from "../support/fixtures.js";
import { modelInfer, role } from "../support/objects.js";
import { assertValidKubernetes } from "../support/schema.js";
import { assertLintsStrict, find, template, templateError, type Rendered } from "../support/chart.js";
import { helmTemplateInCluster } from "../support/helm-cluster.js";

interface ServiceMonitor extends Rendered {
  spec: { selector: LabelSelector; namespaceSelector: { matchNames: string[] }; endpoints: { port: string }[] };
}

/** Whether a label selector (matchLabels, and the Exists/DoesNotExist expressions we use) selects `labels`. */
function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e) =>
    e.operator === "DoesNotExist" ? !(e.key in labels) : e.operator === "Exists" ? e.key in labels : false,
  );
  return byLabel && byExpression;
}

function podLabels(objects: Rendered[], name: string): Record<string, string> {
  return find<Deployment>(objects, "Deployment", name).spec!.template.metadata!.labels!;
}

function serverConfig(objects: Rendered[]): ReturnType<typeof serveConfig> {
  const args = find<Deployment>(objects, "Deployment", "rel-inferplane").spec!.template.spec!.containers[0]!.args!;
  return serveConfig(parseCliArgs(args).values, { KUBERNETES_SERVICE_HOST: "10.0.0.1" });
}

/** The `--set` lists of the README's `helm install|upgrade` commands. */
function readmeHelmSets(): string[][] {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8").replace(/\\\n\s*/g, "");
  return [...readme.matchAll(/^helm (?:install|upgrade)\b.*$/gm)].map((m) =>
    [...m[0].matchAll(/--set (\S+)/g)].flatMap((s) => ["--set", s[1]!]),
  );
}

describe("Helm chart values", function () {
  this.timeout(120_000);

  const traps: Array<[string, string[], RegExp]> = [
    [
      "existingSecret whose CA Helm cannot read (helm template, GitOps) and no caBundle",
      ["--set", "webhook.certificate.existingSecret=my-tls"],
      /webhook.certificate.existingSecret=my-tls: cannot resolve the webhook CA: Secret inferplane-system\/my-tls cannot be read .*helm template.*Set webhook.certificate.caBundle to the base64 PEM of the CA that signed it/,
    ],
    [
      "a caBundle with the chart's own certificate",
      ["--set", "webhook.certificate.caBundle=Zm9v"],
      /webhook.certificate.caBundle is set without webhook.certificate.existingSecret/,
    ],
    [
      "an unknown scheduler mode",
      ["--set", "scheduler.mode=bogus"],
      /at '\/scheduler\/mode': value must be one of 'none', 'second', 'existing'/,
    ],
    ["an unknown log level", ["--set", "logLevel=verbose"], /at '\/logLevel': value must be one of/],
    ["a failurePolicy in the wrong case", ["--set", "webhook.failurePolicy=fail"], /at '\/webhook\/failurePolicy'/],
    ["a pullPolicy in the wrong case", ["--set", "image.pullPolicy=always"], /at '\/image\/pullPolicy'/],
    ["replicas as a word", ["--set", "replicaCount=two"], /at '\/replicaCount': got string, want integer/],
    ["a misspelt key", ["--set", "replicaCont=3"], /additional properties 'replicaCont' not allowed/],
    [
      "a misspelt nested key",
      ["--set", "metrics.serviceMonitor.enable=true"],
      /additional properties 'enable' not allowed/,
    ],
    [
      "a webhook timeout the apiserver refuses",
      ["--set", "webhook.timeoutSeconds=60"],
      /at '\/webhook\/timeoutSeconds': maximum/,
    ],
    [
      "an extra argument that is not a flag",
      ["--set", "extraArgs[0]=debug"],
      /at '\/extraArgs\/0': 'debug' does not match/,
    ],
    [
      "the old scheduler.image string",
      ["--set", "scheduler.image=registry.k8s.io/kube-scheduler:v1.35.0"],
      /at '\/scheduler\/image': got string, want object/,
    ],
    [
      "the optimizer without the controller it runs in",
      ["--set", "optimizer.enabled=true", "--set", "controller.enabled=false"],
      /optimizer.enabled=true needs controller.enabled=true: the optimizer loop runs in the controller's leader/,
    ],
    [
      "bind without a scheduler",
      ["--set", "scheduler.bind=true"],
      /scheduler.bind=true needs scheduler.mode=second or existing/,
    ],
    [
      "a PodDisruptionBudget that blocks every drain",
      ["--set", "podDisruptionBudget.minAvailable=2"],
      /podDisruptionBudget.minAvailable=2 with replicaCount=2 would block every node drain/,
    ],
  ];
  for (const [what, args, message] of traps) {
    it(`refuses ${what}, saying why`, () => {
      assert.match(templateError(...args), message);
    });
  }

  it("reads the CA of existingSecret at install time, and fails naming why when the Secret has none", async () => {
    const ca = Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").toString("base64");
    const secrets = {
      "with-ca": { "ca.crt": ca, "tls.crt": "eA==", "tls.key": "eA==" },
      "no-ca": { "tls.crt": "eA==" },
    };
    const installed = await helmTemplateInCluster(secrets, "--set", "webhook.certificate.existingSecret=with-ca");
    assert.equal(installed.code, 0, installed.stderr);
    const webhooks = parseAllDocuments(installed.stdout)
      .map((d) => d.toJS() as MutatingWebhookConfiguration | null)
      .filter((o) => o?.kind === "MutatingWebhookConfiguration" || o?.kind === "ValidatingWebhookConfiguration")
      .flatMap((o) => o!.webhooks!);
    assert.ok(webhooks.length >= 4);
    for (const webhook of webhooks) assert.equal(webhook.clientConfig.caBundle, ca, webhook.name);
    const without = await helmTemplateInCluster(secrets, "--set", "webhook.certificate.existingSecret=no-ca");
    assert.notEqual(without.code, 0);
    assert.match(
      without.stderr,
      /existingSecret=no-ca: cannot resolve the webhook CA: Secret inferplane-system\/no-ca has no ca.crt/,
    );
    const missing = await helmTemplateInCluster(secrets, "--set", "webhook.certificate.existingSecret=not-yet");
    assert.match(missing.stderr, /Secret inferplane-system\/not-yet cannot be read \(it does not exist yet/);
  });

  const combinations: string[][] = [
    [],
    ["--set", "scheduler.mode=second"],
    ["--set", "scheduler.mode=existing", "--set", "scheduler.bind=true"],
    ["--set", "webhook.certificate.existingSecret=my-tls", "--set", "webhook.certificate.caBundle=Zm9v"],
    ["--set", "metrics.serviceMonitor.enabled=true", "--set", "metrics.scrapeAnnotations=true"],
    ["--set", "networkPolicy.enabled=true", "--set", "scheduler.mode=second"],
    ["--set", "replicaCount=1"],
    ["--set", "controller.enabled=false"],
    [
      "--set",
      "priorityClassName=system-cluster-critical",
      "--set",
      "podAnnotations.team=ml",
      "--set",
      "extraArgs={--log-level=debug}",
    ],
    ...readmeHelmSets(),
  ];
  it("lints --strict, and renders only valid objects, with the defaults and every documented combination", () => {
    assert.ok(
      readmeHelmSets().some((sets) => sets.includes("optimizer.enabled=true")),
      "the README's optimizer install",
    );
    for (const args of combinations) {
      assertLintsStrict(...args);
      for (const obj of template(...args)) assertValidKubernetes(obj);
    }
  });

  it("keeps a PodDisruptionBudget only where a drain can still evict a replica, and only over the server's pods", () => {
    assert.equal(template("--set", "replicaCount=1").filter((o) => o.kind === "PodDisruptionBudget").length, 0);
    const three = template(
      "--set",
      "replicaCount=3",
      "--set",
      "podDisruptionBudget.minAvailable=2",
      "--set",
      "scheduler.mode=second",
    );
    const pdb = find<PodDisruptionBudget>(three, "PodDisruptionBudget");
    assert.equal(pdb.spec!.minAvailable, 2);
    assert.ok(selects(pdb.spec!.selector!, podLabels(three, "rel-inferplane")));
    assert.ok(!selects(pdb.spec!.selector!, podLabels(three, "inferplane-scheduler")), "not the scheduler's pods");
    assert.equal(
      template("--set", "podDisruptionBudget.enabled=false").filter((o) => o.kind === "PodDisruptionBudget").length,
      0,
    );
  });

  it("runs kube-scheduler at the cluster's version unless a tag is given", () => {
    const image = (...args: string[]): string =>
      find<Deployment>(template("--set", "scheduler.mode=second", ...args), "Deployment", "inferplane-scheduler").spec!
        .template.spec!.containers[0]!.image!;
    assert.equal(image("--kube-version", "v1.29.3-eks-adc7111"), "registry.k8s.io/kube-scheduler:v1.29.3");
    assert.equal(image("--kube-version", "1.31.4"), "registry.k8s.io/kube-scheduler:v1.31.4");
    assert.equal(
      image("--kube-version", "1.31.4", "--set", "scheduler.image.tag=v1.30.9"),
      "registry.k8s.io/kube-scheduler:v1.30.9",
    );
  });

  it("passes priorityClassName, podAnnotations and extraArgs to the pods", () => {
    const objects = template(
      "--set",
      "scheduler.mode=second",
      "--set",
      "priorityClassName=inference-critical",
      "--set",
      "podAnnotations.team=ml",
      "--set",
      "extraArgs={--cert-check-interval-ms=5000,--log-level=debug}",
    );
    const server = find<Deployment>(objects, "Deployment", "rel-inferplane").spec!.template;
    const scheduler = find<Deployment>(objects, "Deployment", "inferplane-scheduler").spec!.template;
    assert.equal(server.spec!.priorityClassName, "inference-critical");
    assert.equal(scheduler.spec!.priorityClassName, "inference-critical");
    assert.deepEqual(server.metadata!.annotations, { team: "ml" });
    const config = serverConfig(objects);
    assert.deepEqual([config.certCheckIntervalMs, config.logLevel], [5000, "debug"], "the last --log-level wins");
    assert.equal(
      find<Deployment>(template(), "Deployment", "rel-inferplane").spec!.template.metadata!.annotations,
      undefined,
    );
  });

  it("offers a ServiceMonitor on the metrics port and scrape annotations, podAnnotations over them", () => {
    const objects = template(
      "--set",
      "metrics.serviceMonitor.enabled=true",
      "--set",
      "metrics.serviceMonitor.labels.release=kube-prometheus-stack",
      "--set",
      "metrics.scrapeAnnotations=true",
      "--set",
      "podAnnotations.prometheus\\.io/path=/custom",
    );
    const monitor = find<ServiceMonitor>(objects, "ServiceMonitor");
    const service = find<Service>(objects, "Service");
    assert.ok(selects(monitor.spec.selector, service.metadata!.labels!));
    assert.deepEqual(monitor.spec.namespaceSelector.matchNames, ["inferplane-system"]);
    assert.ok(service.spec!.ports!.some((p) => p.name === monitor.spec.endpoints[0]!.port));
    assert.equal(monitor.metadata.labels!.release, "kube-prometheus-stack");
    assert.deepEqual(find<Deployment>(objects, "Deployment").spec!.template.metadata!.annotations, {
      "prometheus.io/scrape": "true",
      "prometheus.io/port": "8080",
      "prometheus.io/path": "/custom",
    });
    assert.equal(template().filter((o) => o.kind === "ServiceMonitor").length, 0, "off by default");
  });

  it("offers a NetworkPolicy: the webhook port to the apiserver and the scheduler, the optimizer and metrics ports, nothing else", () => {
    assert.equal(template().filter((o) => o.kind === "NetworkPolicy").length, 0, "off by default");
    const objects = template("--set", "networkPolicy.enabled=true", "--set", "scheduler.mode=second");
    const policy = find<NetworkPolicy>(objects, "NetworkPolicy").spec!;
    assert.ok(selects(policy.podSelector, podLabels(objects, "rel-inferplane")));
    assert.ok(!selects(policy.podSelector, podLabels(objects, "inferplane-scheduler")));
    assert.deepEqual(policy.policyTypes, ["Ingress"]);
    const container = find<Deployment>(objects, "Deployment", "rel-inferplane").spec!.template.spec!.containers[0]!;
    const ports = policy.ingress!.map((rule) => rule.ports!.map((p) => p.port));
    assert.deepEqual(ports, [["webhook"], ["optimizer"], ["metrics"]]);
    for (const [name] of ports)
      assert.ok(
        container.ports!.some((p) => p.name === name),
        String(name),
      );
    const webhookFrom = policy.ingress![0]!.from!;
    assert.deepEqual(webhookFrom.slice(0, 2), [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }]);
    assert.ok(
      selects(webhookFrom[2]!.podSelector!, podLabels(objects, "inferplane-scheduler")),
      "the second scheduler",
    );
    assert.equal(policy.ingress![1]!.from, undefined);
    assert.equal(policy.ingress![2]!.from, undefined);
    const narrowed = find<NetworkPolicy>(
      template("--set", "networkPolicy.enabled=true", "--set", "networkPolicy.webhookFrom[0].ipBlock.cidr=10.0.0.0/24"),
      "NetworkPolicy",
    ).spec!;
    assert.deepEqual(narrowed.ingress![0]!.from, [{ ipBlock: { cidr: "10.0.0.0/24" } }]);
  });

  it("grants update on the owner's finalizers for every blockOwnerDeletion the controller writes", () => {
    const base = modelInfer("llama", [role("serve", 1, 2)]);
    const mi = { ...base, metadata: { ...base.metadata, uid: "u" } };
    mi.spec.template.gangSchedule = {};
    const group = desiredGroup(mi, 0);
    const owned = [...group.pods, ...group.services, ...(group.podGroup ? [group.podGroup] : [])];
    const blocking = owned.flatMap((o) => (o.metadata?.ownerReferences ?? []).filter((r) => r.blockOwnerDeletion));
    assert.ok(blocking.length >= 3, "pods, services and the PodGroup block their owner's deletion");
    const rules = find<ClusterRole>(template(), "ClusterRole").rules!;
    for (const ref of blocking) {
      const group = ref.apiVersion.split("/")[0]!;
      const finalizers = `${ref.kind.toLowerCase()}s/finalizers`;
      assert.ok(
        rules.some(
          (r) => r.apiGroups?.includes(group) && r.resources?.includes(finalizers) && r.verbs.includes("update"),
        ),
        `update on ${group} ${finalizers}`,
      );
    }
    const off = find<ClusterRole>(template("--set", "controller.enabled=false"), "ClusterRole").rules!;
    assert.ok(!off.some((r) => r.resources?.some((res) => res.endsWith("/finalizers"))));
  });
});
