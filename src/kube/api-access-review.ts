import { AuthenticationV1Api, AuthorizationV1Api, type KubeConfig } from "@kubernetes/client-node";

/** The resource a caller must be allowed a verb on (SubjectAccessReview resourceAttributes). */
export interface ResourceAttributes {
  namespace: string;
  group: string;
  resource: string;
  subresource?: string;
  name?: string;
}

export type AccessDecision =
  { ok: true; user: string } | { ok: false; fault: "unauthenticated" | "forbidden"; reason: string };

/**
 * Who a bearer token belongs to (TokenReview) and whether that user may `verb` the resource
 * (SubjectAccessReview) — what kube-rbac-proxy and controller-runtime's authenticated metrics ask
 * the apiserver. The server's service account needs `create` on tokenreviews and
 * subjectaccessreviews (the chart's ClusterRole, as system:auth-delegator grants them).
 */
export class ApiAccessReview {
  private readonly authn: AuthenticationV1Api;
  private readonly authz: AuthorizationV1Api;

  constructor(kubeconfig: KubeConfig) {
    this.authn = kubeconfig.makeApiClient(AuthenticationV1Api);
    this.authz = kubeconfig.makeApiClient(AuthorizationV1Api);
  }

  /** Throws on API errors (the caller answers 503: nothing was decided). */
  async review(token: string, verb: string, attributes: ResourceAttributes): Promise<AccessDecision> {
    const tokenReview = await this.authn.createTokenReview({
      body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token } },
    });
    const status = tokenReview.status;
    const user = status?.user;
    if (!status?.authenticated || !user?.username)
      return { ok: false, fault: "unauthenticated", reason: status?.error ?? "the token was not accepted" };
    const access = await this.authz.createSubjectAccessReview({
      body: {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec: {
          user: user.username,
          uid: user.uid,
          groups: user.groups,
          extra: user.extra,
          resourceAttributes: { ...attributes, verb },
        },
      },
    });
    if (access.status?.allowed) return { ok: true, user: user.username };
    const what = `${verb} ${attributes.resource}${attributes.subresource ? `/${attributes.subresource}` : ""}${attributes.name ? ` ${attributes.name}` : ""} in namespace ${attributes.namespace}`;
    return { ok: false, fault: "forbidden", reason: `${user.username} may not ${what}` };
  }
}
