import type { FieldError } from "./field-errors.js";
import type { ClusterView } from "../src/cluster-view/cluster-view.js";
import type { OptInPolicy } from "./opt-in.js";

/** What the admission processors read besides the request itself. */
export interface AdmissionContext {
  view: ClusterView;
  policy: OptInPolicy;
  /** Set when inferplane's own scheduler runs: gang pods are routed to it. */
  schedulerName?: string;
}

/** Why an object that needs the cluster view waits (503): the informers have not listed everything yet. */
export const NOT_SYNCED: FieldError = {
  path: "",
  detail: "inferplane's cluster view is not synced yet",
  fix: "retry shortly",
};
