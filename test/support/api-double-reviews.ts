// TokenReview and SubjectAccessReview for the API double, as the apiserver answers them:
// create-only resources that are never stored; the review comes back with `status` filled.
// Tokens are registered by the test; access is decided by RBAC (Roles, ClusterRoles and their
// bindings stored in the double), as the apiserver's RBAC authorizer does for these fields.
import type { StoredObject } from "./api-double.js";

export const TOKEN_REVIEWS = "authentication.k8s.io/v1/tokenreviews";
export const SUBJECT_ACCESS_REVIEWS = "authorization.k8s.io/v1/subjectaccessreviews";

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
}

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

interface Subject {
  kind: "User" | "Group" | "ServiceAccount";
  name: string;
  namespace?: string;
}

interface Binding extends StoredObject {
  roleRef: { kind: "Role" | "ClusterRole"; name: string };
  subjects?: Subject[];
}

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

interface AccessSpec {
  user?: string;
  groups?: string[];
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: { path?: string; verb?: string };
}

/** What the reviews read of the double's store. */
export interface RbacSource {
  list(resource: string): StoredObject[];
  get(resource: string, namespace: string | undefined, name: string): StoredObject | undefined;
}

const RBAC = "rbac.authorization.k8s.io/v1";

/** The user a service account's token stands for, with the groups the apiserver gives it. */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    uid: `uid-${namespace}-${name}`,
    groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"],
  };
}

function bound(subject: Subject, user: string, groups: readonly string[]): boolean {
  if (subject.kind === "User") return subject.name === user;
  if (subject.kind === "Group") return groups.includes(subject.name);
  return user === `system:serviceaccount:${subject.namespace ?? ""}:${subject.name}`;
}

function matches(values: readonly string[] | undefined, value: string): boolean {
  return (values ?? []).some((v) => v === "*" || v === value);
}

function ruleAllows(rule: PolicyRule, attrs: ResourceAttributes): boolean {
  const resource = attrs.subresource ? `${attrs.resource ?? ""}/${attrs.subresource}` : (attrs.resource ?? "");
  if (!matches(rule.verbs, attrs.verb ?? "")) return false;
  if (!matches(rule.apiGroups, attrs.group ?? "") || !matches(rule.resources, resource)) return false;
  return !rule.resourceNames?.length || rule.resourceNames.includes(attrs.name ?? "");
}

export class AccessReviews {
  private readonly tokens = new Map<string, UserInfo>();

  constructor(private readonly store: RbacSource) {}

  /** `token` authenticates as `user` from now on. */
  addToken(token: string, user: UserInfo): void {
    this.tokens.set(token, user);
  }

  tokenReview(body: { spec?: { token?: string } }): unknown {
    const user = this.tokens.get(body.spec?.token ?? "");
    const status = user ? { authenticated: true, user } : { authenticated: false, error: "invalid bearer token" };
    return { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", ...body, status };
  }

  subjectAccessReview(body: { spec?: AccessSpec }): unknown {
    const spec = body.spec ?? {};
    const attrs = spec.resourceAttributes;
    const allowed = attrs !== undefined && this.allows(spec.user ?? "", spec.groups ?? [], attrs);
    const status = allowed ? { allowed: true, reason: "RBAC: allowed" } : { allowed: false };
    return { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", ...body, status };
  }

  private allows(user: string, groups: readonly string[], attrs: ResourceAttributes): boolean {
    const bindings = [
      ...(this.store.list(`${RBAC}/clusterrolebindings`) as Binding[]),
      ...(this.store.list(`${RBAC}/rolebindings`) as Binding[]).filter((b) => b.metadata.namespace === attrs.namespace),
    ];
    return bindings
      .filter((b) => (b.subjects ?? []).some((s) => bound(s, user, groups)))
      .some((b) => this.rulesOf(b).some((rule) => ruleAllows(rule, attrs)));
  }

  private rulesOf(binding: Binding): PolicyRule[] {
    const role =
      binding.roleRef.kind === "ClusterRole"
        ? this.store.get(`${RBAC}/clusterroles`, undefined, binding.roleRef.name)
        : this.store.get(`${RBAC}/roles`, binding.metadata.namespace, binding.roleRef.name);
    return ((role as { rules?: PolicyRule[] } | undefined)?.rules ?? []).filter((r) => !r.nonResourceURLs);
  }
}

/** A Role allowing get and create on services/proxy of one Service, bound to a user (the chart's optimizer-client Role). */
export function grantServiceProxy(
  store: { create(resource: string, obj: StoredObject): StoredObject },
  namespace: string,
  service: string,
  username: string,
): void {
  const name = `proxy-${service}-${username.replace(/[^a-z0-9-]/g, "-")}`;
  store.create(`${RBAC}/roles`, {
    metadata: { name, namespace },
    rules: [{ apiGroups: [""], resources: ["services/proxy"], resourceNames: [service], verbs: ["get", "create"] }],
  });
  store.create(`${RBAC}/rolebindings`, {
    metadata: { name, namespace },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
    subjects: [{ kind: "User", name: username }],
  });
}
