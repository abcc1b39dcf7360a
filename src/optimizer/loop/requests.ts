import { CONDITION_SIZED } from "../../apis/optimizer.js";
import { collectionPath } from "../../kube/kind.js";
import type { WorkloadChange } from "./change.js";
import { WORKLOAD_KINDS } from "./workload.js";

/** One API request the loop sends for a change, as the dry run prints it. */
export interface ApiRequest {
  method: "PATCH" | "PUT" | "POST";
  path: string;
  contentType: string;
  /** The body; for the status write, the part the loop sets in the object it reads first. */
  body: unknown;
}

/**
 * The requests ApiOptimizerCluster sends for a change, in order: the merge patch (to the object,
 * or to its scale subresource), the status write with the Sized condition (a read-modify-write of
 * the object's status: only the condition is the loop's), and the Event.
 */
export function requestsOf(change: WorkloadChange): ApiRequest[] {
  const { ref } = change;
  const object = `${collectionPath(WORKLOAD_KINDS[ref.kind], ref.namespace)}/${ref.name}`;
  const requests: ApiRequest[] = [];
  if (change.patch)
    requests.push({
      method: "PATCH",
      path: change.patch.subresource ? `${object}/${change.patch.subresource}` : object,
      contentType: "application/merge-patch+json",
      body: change.patch.body,
    });
  if (change.sized)
    requests.push({
      method: "PUT",
      path: `${object}/status`,
      contentType: "application/json",
      body: {
        status: {
          conditions: [
            {
              type: CONDITION_SIZED,
              status: change.sized.status ? "True" : "False",
              reason: change.sized.reason,
              message: change.sized.message,
            },
          ],
        },
      },
    });
  if (change.event)
    requests.push({
      method: "POST",
      path: `/api/v1/namespaces/${ref.namespace}/events`,
      contentType: "application/json",
      body: { involvedObject: { kind: ref.kind, namespace: ref.namespace, name: ref.name }, ...change.event },
    });
  return requests;
}
