import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "../src/logging.js";
import { eventFor } from "../src/kube/api-event.js";
import type { EventRecorder } from "./events.js";
import type { Notice } from "./gang.js";

/** Component name on the extender's Events. */
export const EXTENDER_COMPONENT = "inferplane-scheduler-extender";

/**
 * Warning Events through the API server (core/v1 Events; a cluster-scoped object's go to
 * `default`, where `kubectl describe` looks for them). A failed post is logged, never retried:
 * the next filter call over the same object posts nothing new.
 */
export class ApiEventRecorder implements EventRecorder {
  private readonly core: CoreV1Api;

  constructor(
    kubeconfig: KubeConfig,
    private readonly log: Logger,
  ) {
    this.core = kubeconfig.makeApiClient(CoreV1Api);
  }

  warn(notice: Notice): void {
    const namespace = notice.object.namespace ?? "default";
    const event = eventFor(
      { ...notice.object, namespace },
      "Warning",
      notice.reason,
      notice.message,
      EXTENDER_COMPONENT,
    );
    // A cluster-scoped object's reference has no namespace, though its Event lives in one.
    const { apiVersion, kind, name, uid } = notice.object;
    const involvedObject = { apiVersion, kind, name, uid, namespace: notice.object.namespace };
    this.core.createNamespacedEvent({ namespace, body: { ...event, involvedObject } }).catch((err: unknown) => {
      this.log.warn("extender event not posted", { object: notice.object.name, error: String(err) });
    });
  }
}
