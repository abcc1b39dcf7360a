// The chart's half of issue 13: the optimizer on its own port behind RBAC the server checks,
// kube-scheduler's client certificate, the bounds on the server's flags, an optional NetworkPolicy.
import { strict as assert } from "node:assert";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { Secret, Service } from "kubernetes-types/core/v1.js";
import type { NetworkPolicy } from "kubernetes-types/networking/v1.js";
import type { ClusterRole, Role } from "kubernetes-types/rbac/v1.js";
import { parseCliArgs } from "../../src/cli/main.js";
import { serveConfig } from "../../src/config.js";
import { find, template, templateError, type Rendered } from "../support/chart.js";
import { assertValidKubernetes } from "../support/schema.js";

const serverConfig = (rendered: Rendered[]): ReturnType<typeof serveConfig> =>
  serveConfig(
    parseCliArgs(find<Deployment>(rendered, "Deployment", "rel-inferplane").spec!.template.spec!.containers[0]!.args!)
      .values,
    { KUBERNETES_SERVICE_HOST: "x" },
  );

describe("Helm chart: bounds, credentials and network", function () {
  this.timeout(60_000);
  let objects: Rendered[];
  before(() => {
    objects = template();
  });

  it("serves the optimizer on its own port, and passes the bounds to the server", () => {
    const config = serverConfig(objects);
    assert.equal(config.optimizerPort, 9444);
    assert.deepEqual(
      [
        config.bounds.memoryBudgetMib,
        config.bounds.optimizerWorkers,
        config.bounds.optimizerQueue,
        config.bounds.optimizerTimeLimitSeconds,
      ],
      [400, 1, 4, 10],
    );
    assert.deepEqual([config.bounds.maxRequestsInFlight, config.bounds.maxBodyBytesInFlight], [256, 24 * 1024 * 1024]);
    const service = find<Service>(objects, "Service");
    assert.deepEqual(
      service.spec!.ports!.find((p) => p.name === "optimizer"),
      { name: "optimizer", port: 9444, targetPort: "optimizer", protocol: "TCP" },
    );
    const container = find<Deployment>(objects, "Deployment").spec!.template.spec!.containers[0]!;
    assert.ok(container.ports!.some((p) => p.name === "optimizer" && p.containerPort === 9444));
    const env = Object.fromEntries(container.env!.map((e) => [e.name, e.value]));
    assert.deepEqual(
      [env.NODE_OPTIONS, env.MALLOC_ARENA_MAX],
      ["--max-old-space-size=160", "2"],
      "the main heap at 40 % of the 400 MiB budget, two malloc arenas",
    );
  });

  it("lets the server review its callers' tokens, and documents the verb on the resource it checks", () => {
    const rules = find<ClusterRole>(objects, "ClusterRole").rules!;
    for (const [group, resource] of [
      ["authentication.k8s.io", "tokenreviews"],
      ["authorization.k8s.io", "subjectaccessreviews"],
    ] as const)
      assert.ok(
        rules.some(
          (r) => r.apiGroups?.includes(group) && r.resources?.includes(resource) && r.verbs.join() === "create",
        ),
      );
    const client = find<Role>(objects, "Role", "rel-inferplane-optimizer-client");
    assert.deepEqual(client.rules, [
      { apiGroups: [""], resources: ["services/proxy"], resourceNames: ["rel-inferplane"], verbs: ["create", "get"] },
    ]);
    assert.equal(
      objects.filter((o) => o.kind === "RoleBinding" && o.metadata.name.endsWith("optimizer-client")).length,
      0,
      "nobody by default",
    );
    const bound = template("--set", "optimizer.clients[0].kind=User", "--set", "optimizer.clients[0].name=jane");
    for (const obj of bound) assertValidKubernetes(obj);
    assert.ok(find<Rendered>(bound, "RoleBinding", "rel-inferplane-optimizer-client"));
  });

  it("issues kube-scheduler's client certificate by default, and demands one with a CA it does not hold", () => {
    const client = find<Secret>(objects, "Secret", "rel-inferplane-scheduler-client");
    assert.equal(client.type, "kubernetes.io/tls");
    assert.match(
      templateError(
        "--set",
        "webhook.certificate.existingSecret=tls",
        "--set",
        "webhook.certificate.caBundle=Zm9v",
        "--set",
        "scheduler.mode=existing",
      ),
      /scheduler.clientCertificate.certData and keyData are required with webhook.certificate.existingSecret/,
    );
    const given = template(
      "--set",
      "webhook.certificate.existingSecret=tls",
      "--set",
      "webhook.certificate.caBundle=Zm9v",
      "--set",
      "scheduler.mode=existing",
      "--set",
      "scheduler.clientCertificate.certData=Y2VydA==",
      "--set",
      "scheduler.clientCertificate.keyData=a2V5",
    );
    const entry = find<Secret>(given, "Secret", "rel-inferplane-extender").stringData!["extenders.yaml"]!;
    assert.match(entry, /certData: Y2VydA==\n\s+keyData: a2V5/);
  });

  it("the NetworkPolicy's optimizer port admits networkPolicy.optimizerFrom", () => {
    const rendered = template(
      "--set",
      "networkPolicy.enabled=true",
      "--set",
      "networkPolicy.optimizerFrom[0].namespaceSelector.matchLabels.team=autoscaling",
    );
    const policy = find<NetworkPolicy>(rendered, "NetworkPolicy");
    assertValidKubernetes(policy);
    const optimizer = policy.spec!.ingress!.find((rule) => rule.ports!.some((p) => p.port === "optimizer"))!;
    assert.deepEqual(optimizer.from, [{ namespaceSelector: { matchLabels: { team: "autoscaling" } } }]);
  });
});
