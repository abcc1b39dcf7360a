import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHART } from "./chart.js";
import { kubeTools, toolEnv } from "./tools.js";

/*
 * Just enough of a kube-apiserver for Helm's `lookup` (helm template --dry-run=server): version and
 * discovery of the core group's Secrets, Helm's release list (empty), and GET of the given Secrets.
 * Everything else is 404. Test-only; the real Helm binary is what runs against it.
 */

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** group/version → [Kind, namespaced] of every kind the chart renders: Helm maps each through discovery. */
const KINDS: Record<string, [string, boolean][]> = {
  v1: [
    ["Secret", true],
    ["ServiceAccount", true],
    ["Service", true],
    ["ConfigMap", true],
  ],
  "apps/v1": [["Deployment", true]],
  "policy/v1": [["PodDisruptionBudget", true]],
  "networking.k8s.io/v1": [["NetworkPolicy", true]],
  "rbac.authorization.k8s.io/v1": [
    ["ClusterRole", false],
    ["ClusterRoleBinding", false],
    ["Role", true],
    ["RoleBinding", true],
  ],
  "admissionregistration.k8s.io/v1": [
    ["MutatingWebhookConfiguration", false],
    ["ValidatingWebhookConfiguration", false],
  ],
  "apiextensions.k8s.io/v1": [["CustomResourceDefinition", false]],
};

function resourceList(groupVersion: string, kinds: [string, boolean][]): unknown {
  const resources = kinds.map(([kind, namespaced]) => ({
    name: `${kind.toLowerCase()}s`.replace(/ys$/, "ies"),
    singularName: kind.toLowerCase(),
    namespaced,
    kind,
    verbs: ["get", "list"],
  }));
  return { kind: "APIResourceList", groupVersion, resources };
}

function discovery(path: string): unknown {
  if (path === "/version") return { major: "1", minor: "31", gitVersion: "v1.31.4", platform: "linux/amd64" };
  if (path === "/api") return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] };
  const groups = Object.keys(KINDS).filter((gv) => gv.includes("/"));
  if (path === "/apis") {
    const list = groups.map((gv) => {
      const [name, version] = gv.split("/");
      const preferred = { groupVersion: gv, version };
      return { name, versions: [preferred], preferredVersion: preferred };
    });
    return { kind: "APIGroupList", apiVersion: "v1", groups: list };
  }
  const groupVersion = path.replace(/^\/apis?\//, "");
  const kinds = KINDS[groupVersion];
  return kinds ? resourceList(groupVersion, kinds) : undefined;
}

const SECRET_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/;

function answer(path: string, secrets: Record<string, Record<string, string>>): [number, unknown] {
  const found = discovery(path);
  if (found) return [200, found];
  const [, namespace, name] = SECRET_PATH.exec(path) ?? [];
  if (namespace !== undefined && name === undefined)
    return [200, { kind: "SecretList", apiVersion: "v1", metadata: {}, items: [] }];
  const data = name !== undefined ? secrets[name] : undefined;
  if (data) return [200, { apiVersion: "v1", kind: "Secret", metadata: { name, namespace }, data }];
  return [404, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 }];
}

/**
 * Runs `helm template rel charts/inferplane --dry-run=server ARGS` against a cluster holding
 * `secrets` (name → data, in inferplane-system); resolves with its exit code, stdout and stderr.
 */
export async function helmTemplateInCluster(
  secrets: Record<string, Record<string, string>>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const server = createServer((req, res) => {
    const [code, body] = answer(new URL(req.url ?? "/", "http://cluster").pathname, secrets);
    send(res, code, body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const dir = mkdtempSync(join(tmpdir(), "inferplane-helm-"));
  const kubeconfig = join(dir, "kubeconfig");
  const port = (server.address() as AddressInfo).port;
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "c", cluster: { server: `http://127.0.0.1:${port}` } }],
      users: [{ name: "u", user: { token: "t" } }],
      contexts: [{ name: "c", context: { cluster: "c", user: "u" } }],
      "current-context": "c",
    }),
  );
  try {
    return await new Promise((resolve) => {
      execFile(
        kubeTools().helm,
        [
          "template",
          "rel",
          CHART,
          "-n",
          "inferplane-system",
          "--dry-run=server",
          "--disable-openapi-validation",
          ...args,
        ],
        { env: toolEnv({ KUBECONFIG: kubeconfig }), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
        },
      );
    });
  } finally {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
