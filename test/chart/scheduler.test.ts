// The scheduler the chart renders or configures (scheduler.mode), and the extender entry it calls.
import { strict as assert } from "node:assert";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { parse } from "yaml";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { MutatingWebhookConfiguration } from "kubernetes-types/admissionregistration/v1.js";
import type { ClusterRole } from "kubernetes-types/rbac/v1.js";
import type { Secret } from "kubernetes-types/core/v1.js";
import { parseCliArgs } from "../../src/cli/main.js";
import { serveConfig } from "../../src/config.js";
import { assertValidKubernetes } from "../support/schema.js";
import { find, template, type Rendered } from "../support/chart.js";

describe("Helm chart: scheduler integration", function () {
  this.timeout(60_000);
  let objects: Rendered[];
  before(() => {
    objects = template();
  });

  // Field names of kubescheduler.config.k8s.io/v1 (k8s.io/kube-scheduler/config/v1 types.go).
  const CONFIG_FIELDS = [
    "apiVersion",
    "kind",
    "parallelism",
    "leaderElection",
    "clientConnection",
    "percentageOfNodesToScore",
    "podInitialBackoffSeconds",
    "podMaxBackoffSeconds",
    "profiles",
    "extenders",
    "delayCacheUntilActive",
  ];
  const LEADER_FIELDS = [
    "leaderElect",
    "leaseDuration",
    "renewDeadline",
    "retryPeriod",
    "resourceLock",
    "resourceName",
    "resourceNamespace",
  ];
  const PROFILE_FIELDS = ["schedulerName", "percentageOfNodesToScore", "plugins", "pluginConfig"];
  const EXTENDER_FIELDS = [
    "urlPrefix",
    "filterVerb",
    "preemptVerb",
    "prioritizeVerb",
    "weight",
    "bindVerb",
    "enableHTTPS",
    "tlsConfig",
    "httpTimeout",
    "nodeCacheCapable",
    "managedResources",
    "ignorable",
  ];
  const TLS_FIELDS = ["insecure", "serverName", "certFile", "keyFile", "caFile", "certData", "keyData", "caData"];
  const only = (obj: object, allowed: string[], what: string): void => {
    const extra = Object.keys(obj).filter((k) => !allowed.includes(k));
    assert.deepEqual(extra, [], `${what} has fields the v1 API does not define`);
  };
  interface Extender {
    urlPrefix: string;
    tlsConfig: { caData: string; certData: string; keyData: string };
    nodeCacheCapable: boolean;
    enableHTTPS: boolean;
    ignorable: boolean;
    httpTimeout: string;
    filterVerb: string;
    prioritizeVerb: string;
    weight: number;
  }
  const checkExtender = (extender: Extender, caBundle: string): void => {
    only(extender, EXTENDER_FIELDS, "extender");
    only(extender.tlsConfig, TLS_FIELDS, "tlsConfig");
    assert.equal(extender.urlPrefix, "https://rel-inferplane.inferplane-system.svc:443/scheduler");
    assert.deepEqual([extender.filterVerb, extender.prioritizeVerb, extender.weight], ["filter", "prioritize", 1]);
    assert.deepEqual(
      [extender.nodeCacheCapable, extender.enableHTTPS, extender.ignorable, extender.httpTimeout],
      [true, true, false, "5s"],
    );
    assert.equal(extender.tlsConfig.caData, caBundle);
    // kube-scheduler's identity to the extender: CN kube-scheduler, for client auth, from the webhook CA.
    const client = new X509Certificate(Buffer.from(extender.tlsConfig.certData, "base64"));
    assert.ok(client.checkIssued(new X509Certificate(Buffer.from(caBundle, "base64"))));
    assert.match(client.subject, /^CN=kube-scheduler$/m);
    assert.ok(client.keyUsage?.includes("1.3.6.1.5.5.7.3.2"), "extKeyUsage clientAuth");
    assert.ok(client.checkPrivateKey(createPrivateKey(Buffer.from(extender.tlsConfig.keyData, "base64"))));
  };
  /** The configuration the scheduler reads: a Secret, since it holds the client key. */
  const secretText = (rendered: Rendered[], name: string, key: string): string => {
    const secret = find<Secret>(rendered, "Secret", name);
    assert.equal(rendered.filter((o) => o.kind === "ConfigMap").length, 0, "no key in a ConfigMap");
    return secret.stringData![key]!;
  };

  it("second: a kube-scheduler with the extender, its RBAC, and gang pods routed to it", () => {
    const rendered = template("--set", "scheduler.mode=second");
    for (const obj of rendered) assertValidKubernetes(obj);
    const parsed = parse(secretText(rendered, "inferplane-scheduler-config", "config.yaml")) as {
      percentageOfNodesToScore: number;
      leaderElection: object;
      profiles: Array<{ schedulerName: string }>;
      extenders: Extender[];
    };
    only(parsed, CONFIG_FIELDS, "KubeSchedulerConfiguration");
    only(parsed.leaderElection, LEADER_FIELDS, "leaderElection");
    parsed.profiles.forEach((p) => {
      only(p, PROFILE_FIELDS, "profile");
    });
    assert.equal(parsed.percentageOfNodesToScore, 100);
    assert.deepEqual(
      parsed.profiles.map((p) => p.schedulerName),
      ["inferplane-scheduler"],
    );
    const caBundle = find<MutatingWebhookConfiguration>(rendered, "MutatingWebhookConfiguration").webhooks![0]!
      .clientConfig.caBundle!;
    checkExtender(parsed.extenders[0]!, caBundle);
    const server = rendered.find((o) => o.kind === "Deployment" && o.metadata.name === "rel-inferplane") as Deployment;
    const { values } = parseCliArgs(server.spec!.template.spec!.containers[0]!.args!);
    const serve = serveConfig(values, { KUBERNETES_SERVICE_HOST: "x" });
    assert.equal(serve.schedulerName, "inferplane-scheduler");
    assert.equal(serve.controllers.inferenceService.ownScheduler, "inferplane-scheduler");
    const roles = rendered
      .filter((o) => o.kind === "ClusterRoleBinding")
      .map((o) => (o as unknown as { roleRef: { name: string } }).roleRef.name);
    assert.ok(roles.includes("system:kube-scheduler") && roles.includes("system:volume-scheduler"));
  });

  it("bind: bindVerb in the configuration, --extender-bind on the server, and the right to bind", () => {
    const rendered = template("--set", "scheduler.mode=existing", "--set", "scheduler.bind=true");
    const extender = (
      parse(secretText(rendered, "rel-inferplane-extender", "extenders.yaml")) as {
        extenders: Array<Record<string, unknown>>;
      }
    ).extenders[0]!;
    only(extender, EXTENDER_FIELDS, "extender");
    assert.equal(extender.bindVerb, "bind");
    const server = find<Deployment>(rendered, "Deployment");
    const { values } = parseCliArgs(server.spec!.template.spec!.containers[0]!.args!);
    assert.equal(serveConfig(values, { KUBERNETES_SERVICE_HOST: "x" }).extenderBind, true);
    assert.ok(
      find<ClusterRole>(rendered, "ClusterRole").rules!.some(
        (r) => r.resources?.includes("pods/binding") && r.verbs.includes("create"),
      ),
    );
    assert.ok(
      !find<ClusterRole>(objects, "ClusterRole").rules!.some((r) => r.resources?.includes("pods/binding")),
      "no bind right by default",
    );
  });

  it("existing: only a Secret with the extenders entry to merge", () => {
    const rendered = template("--set", "scheduler.mode=existing");
    const caBundle = find<MutatingWebhookConfiguration>(rendered, "MutatingWebhookConfiguration").webhooks![0]!
      .clientConfig.caBundle!;
    const text = secretText(rendered, "rel-inferplane-extender", "extenders.yaml");
    checkExtender((parse(text) as { extenders: Extender[] }).extenders[0]!, caBundle);
    assert.equal(rendered.filter((o) => o.kind === "Deployment").length, 1);
  });

  it("none (the default): no scheduler objects, no --scheduler-name", () => {
    assert.equal(objects.filter((o) => o.kind === "ConfigMap").length, 0);
    assert.ok(
      !find<Deployment>(objects, "Deployment").spec!.template.spec!.containers[0]!.args!.some((a) =>
        a.startsWith("--scheduler-name"),
      ),
    );
  });
});
